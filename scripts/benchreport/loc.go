package main

import (
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LOCCount is the code lines of some Go files.
type LOCCount struct {
	Files []string // base names, sorted
	Lines int
}

// CountLOC counts the lines of src that carry Go code: lines with a token
// other than a comment. Blank lines and lines holding only comments do not
// count; a line with code and a trailing comment does, and so does every
// line a multi-line raw string spans.
func CountLOC(src []byte) (int, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0) // comments skipped
	lines := map[int]bool{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // an inserted semicolon is not code
		}
		first := file.Line(pos)
		for l := first; l <= first+strings.Count(lit, "\n"); l++ {
			lines[l] = true
		}
	}
	if errs.Len() > 0 {
		return 0, errs.Err()
	}
	return len(lines), nil
}

// CountDirLOC counts the non-test Go files of dir whose base name matches
// one of patterns (filepath.Match; none: every non-test Go file).
func CountDirLOC(dir string, patterns ...string) (LOCCount, error) {
	var c LOCCount
	entries, err := os.ReadDir(dir)
	if err != nil {
		return c, err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if len(patterns) > 0 {
			match := false
			for _, p := range patterns {
				if ok, _ := filepath.Match(p, name); ok {
					match = true
				}
			}
			if !match {
				continue
			}
		}
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return c, err
		}
		n, err := CountLOC(src)
		if err != nil {
			return c, fmt.Errorf("%s: %w", name, err)
		}
		c.Files = append(c.Files, name)
		c.Lines += n
	}
	sort.Strings(c.Files)
	return c, nil
}

// exchangeCoreFiles are the exchange rollup's circuit, state and
// transaction files: the subset the loc step counts apart.
var exchangeCoreFiles = []string{"circuit*.go", "state.go", "tx.go"}

// writeLOC is the loc step: one BENCHROW line per counted set, from the
// tree as it is when the step runs (benchreport runs from the repository
// root).
func writeLOC(w io.Writer) error { return writeLOCFrom(w, ".") }

// writeLOCFrom counts under the repository root root.
func writeLOCFrom(w io.Writer, root string) error {
	sets := []struct {
		name, dir string
		patterns  []string
	}{
		{"exchange", "prover/exchange", nil},
		{"exchange_core", "prover/exchange", exchangeCoreFiles},
		{"payments", "prover/payments", nil},
	}
	for _, s := range sets {
		c, err := CountDirLOC(filepath.Join(root, s.dir), s.patterns...)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "BENCHROW loc set=%s dir=%s files=%d lines=%d names=%s\n", s.name, s.dir, len(c.Files), c.Lines, strings.Join(c.Files, ","))
	}
	return nil
}
