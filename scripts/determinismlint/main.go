// Command determinismlint reports code in the chain's modules that could make
// validators disagree: reading the wall clock, drawing random numbers,
// starting goroutines, and ranging over a map (Go randomises map iteration
// order on every range). It type-checks the packages, so a range is flagged
// only when its operand really is a map.
//
// It skips test files and generated files (the "Code generated ... DO NOT
// EDIT." header). A finding that is deterministic after all (a map range
// whose result is sorted, a clock read in CLI code) is silenced by an
// allowlist entry on the command line, `-allow PATH_PREFIX=REASON`, or by a
// `determinism:ok REASON` comment on the line or the line above. Both need a
// reason. scripts/determinism-lint.sh runs it over x/ with the project's
// allowlist.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// allowFlag collects -allow PREFIX=REASON entries.
type allowFlag map[string]string

func (a allowFlag) String() string { return fmt.Sprint(map[string]string(a)) }

func (a allowFlag) Set(v string) error {
	prefix, reason, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(prefix) == "" || strings.TrimSpace(reason) == "" {
		return fmt.Errorf("want PATH_PREFIX=REASON, got %q", v)
	}
	a[filepath.Clean(prefix)] = reason
	return nil
}

type finding struct {
	pos token.Position
	msg string
}

const inlineMarker = "determinism:ok"

func main() {
	allow := allowFlag{}
	flag.Var(allow, "allow", "PATH_PREFIX=REASON: skip files under PATH_PREFIX (relative to the module root), for REASON; repeatable")
	verbose := flag.Bool("v", false, "also list what the allowlist and inline markers skipped")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: determinismlint [-v] [-allow PREFIX=REASON]... PACKAGES...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	root, err := os.Getwd()
	if err != nil {
		fatal(err)
	}

	cfg := &packages.Config{
		Mode:  packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Tests: false,
	}
	pkgs, err := packages.Load(cfg, flag.Args()...)
	if err != nil {
		fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		fatal(fmt.Errorf("the packages do not type-check"))
	}

	var found, skipped []finding
	for _, pkg := range pkgs {
		for _, file := range pkg.Syntax {
			name := pkg.Fset.Position(file.Pos()).Filename
			if ast.IsGenerated(file) {
				continue
			}
			rel, err := filepath.Rel(root, name)
			if err != nil {
				rel = name
			}
			allowed, reason := allowedBy(allow, rel)
			marked := inlineMarks(pkg.Fset, file)
			for _, f := range check(pkg.Fset, pkg.TypesInfo, file) {
				f.pos.Filename = rel
				switch {
				case allowed:
					f.msg += " (allowed: " + reason + ")"
					skipped = append(skipped, f)
				case marked[f.pos.Line] != "" || marked[f.pos.Line-1] != "":
					why := marked[f.pos.Line]
					if why == "" {
						why = marked[f.pos.Line-1]
					}
					f.msg += " (marked: " + why + ")"
					skipped = append(skipped, f)
				default:
					found = append(found, f)
				}
			}
		}
	}
	sortFindings(found)
	sortFindings(skipped)
	if *verbose {
		for _, f := range skipped {
			fmt.Printf("%s: skipped: %s\n", f.pos, f.msg)
		}
	}
	for _, f := range found {
		fmt.Printf("%s: %s\n", f.pos, f.msg)
	}
	if len(found) > 0 {
		fmt.Fprintf(os.Stderr, "determinismlint: %d finding(s) in consensus code; fix them, or mark a deterministic use with `// %s REASON`\n", len(found), inlineMarker)
		os.Exit(1)
	}
}

func allowedBy(allow allowFlag, rel string) (bool, string) {
	best := ""
	for prefix := range allow {
		if (rel == prefix || strings.HasPrefix(rel, prefix+string(filepath.Separator))) && len(prefix) > len(best) {
			best = prefix
		}
	}
	return best != "", allow[best]
}

// inlineMarks maps line numbers to the reason of a determinism:ok comment.
func inlineMarks(fset *token.FileSet, file *ast.File) map[int]string {
	marks := map[int]string{}
	for _, group := range file.Comments {
		for _, c := range group.List {
			_, after, ok := strings.Cut(c.Text, inlineMarker)
			if !ok {
				continue
			}
			reason := strings.TrimSpace(after)
			if reason == "" {
				reason = "(no reason given)"
			}
			marks[fset.Position(c.Pos()).Line] = reason
		}
	}
	return marks
}

// check returns what file does that could differ between validators.
func check(fset *token.FileSet, info *types.Info, file *ast.File) []finding {
	var out []finding
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, finding{pos: fset.Position(n.Pos()), msg: fmt.Sprintf(format, args...)})
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			report(n, "go statement: goroutines make state transitions depend on scheduling")
		case *ast.RangeStmt:
			if tv, ok := info.Types[n.X]; ok && tv.Type != nil {
				if _, isMap := tv.Type.Underlying().(*types.Map); isMap {
					report(n, "range over a map (%s): iteration order is random", tv.Type)
				}
			}
		case *ast.SelectorExpr:
			obj := info.Uses[n.Sel]
			if obj == nil || obj.Pkg() == nil {
				break
			}
			_, isFunc := obj.(*types.Func)
			switch path := obj.Pkg().Path(); {
			case path == "time" && isFunc && (obj.Name() == "Now" || obj.Name() == "Since" || obj.Name() == "Until"):
				report(n, "time.%s reads the wall clock: use the block time (sdk.Context.BlockTime / HeaderInfo)", obj.Name())
			case path == "math/rand" || path == "math/rand/v2" || path == "crypto/rand":
				report(n, "%s.%s draws random numbers", path, obj.Name())
			}
		}
		return true
	})
	return out
}

func sortFindings(fs []finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i].pos, fs[j].pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "determinismlint: %v\n", err)
	os.Exit(2)
}
