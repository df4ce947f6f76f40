//go:build system

package system

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RunScript runs a repo script with bash and extra environment, returning its
// combined output; it fails the test on a non-zero exit or after timeout.
func RunScript(t testing.TB, timeout time.Duration, env []string, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(RepoRoot(t), "scripts", script)
	cmd := exec.CommandContext(ctx, "bash", append([]string{path}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader("")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v (timeout %s)\n%s", script, strings.Join(args, " "), err, timeout, out.String())
	}
	return out.String()
}

// StopPID sends SIGTERM to a process that is not our child (a script started
// it) and waits for it to go; a zombie counts as gone.
func StopPID(t testing.TB, pid int) {
	t.Helper()
	if !pidAlive(pid) {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(stopTimeout)
	for time.Now().Before(deadline) {
		if !pidAlive(pid) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("pid %d ignored SIGTERM for %s and was killed", pid, stopTimeout)
}

func pidAlive(pid int) bool {
	raw, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// Field 3, after the parenthesised command name, is the state.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
