//go:build system

package system

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const modulePath = "github.com/nativechain/nativechain"

// cliTimeout bounds every one-shot CLI invocation; a hung CLI must fail the
// test, not the whole run.
const cliTimeout = 60 * time.Second

// RepoRoot walks up from the working directory to the go.mod of the main module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if isMainModuleRoot(dir) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod for module %s above the working directory", modulePath)
		}
		dir = parent
	}
}

func isMainModuleRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "module ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "module ")) == modulePath
		}
	}
	return false
}

// Binary returns the nativechaind under test: $NATIVECHAIND_BIN, or
// <repo>/build/nativechaind. It fails the test at once if the file is missing.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("NATIVECHAIND_BIN")
	if bin == "" {
		bin = filepath.Join(RepoRoot(t), "build", "nativechaind")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatalf("resolve binary path %q: %v", bin, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		t.Fatalf("nativechaind binary not found at %s (%v): run `make build` first or set NATIVECHAIND_BIN", abs, err)
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		t.Fatalf("%s is not an executable file: run `make build` first or set NATIVECHAIND_BIN", abs)
	}
	return abs
}

// CmdResult is the outcome of one CLI invocation.
type CmdResult struct {
	Args     []string
	Stdout   string
	Stderr   string
	ExitCode int // -1 if the process did not exit normally
	Err      error
}

// Output is stdout and stderr together, for error-message assertions.
func (r CmdResult) Output() string { return r.Stdout + r.Stderr }

// Run executes the binary once with args and captures its output. stdin is
// empty so that a command waiting for a prompt fails instead of hanging.
func Run(t testing.TB, bin string, args ...string) CmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	res := CmdResult{Args: args, Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	default:
		res.ExitCode = -1
	}
	if ctx.Err() != nil {
		t.Fatalf("nativechaind %s: timed out after %s\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), cliTimeout, res.Stdout, res.Stderr)
	}
	return res
}

// MustRun is Run that fails the test on a non-zero exit.
func MustRun(t testing.TB, bin string, args ...string) CmdResult {
	t.Helper()
	res := Run(t, bin, args...)
	if res.ExitCode != 0 {
		t.Fatalf("nativechaind %s: exit %d (%v)\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), res.ExitCode, res.Err, res.Stdout, res.Stderr)
	}
	return res
}
