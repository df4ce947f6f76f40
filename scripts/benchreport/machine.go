package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Sample is the machine's state at one moment of the run.
type Sample struct {
	At   time.Time `json:"at"`
	Load string    `json:"load"` // the 1, 5 and 15 minute load averages
}

func sample(at time.Time) Sample {
	s := Sample{At: at.UTC(), Load: "unknown"}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(raw)); len(f) >= 3 {
			s.Load = strings.Join(f[:3], " ")
		}
	}
	return s
}

// RunInfo is the report's header: when, on what, from which commit.
type RunInfo struct {
	Start     Sample `json:"start"`
	End       Sample `json:"end"`
	Commit    string `json:"commit"`
	Dirty     bool   `json:"dirty"` // uncommitted changes in the tree
	NProc     int    `json:"nproc"`
	CPU       string `json:"cpu"`
	GoVersion string `json:"go_version"`
	// Reruns lists steps run again after the pass (make bench -only).
	Reruns []Rerun `json:"reruns,omitempty"`
}

// Rerun is one later invocation for some steps.
type Rerun struct {
	Steps string `json:"steps"`
	Start Sample `json:"start"`
	End   Sample `json:"end"`
}

func writeRerunInfo(dir string, info RunInfo, steps string, start, end Sample) error {
	info.Reruns = append(info.Reruns, Rerun{Steps: steps, Start: start, End: end})
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "run.json"), append(raw, '\n'), 0o644)
}

func writeRunInfo(dir string, start, end Sample) error {
	info := RunInfo{Start: start, End: end, NProc: runtime.NumCPU(), CPU: cpuModel(), GoVersion: goVersion()}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		info.Commit = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil {
		info.Dirty = len(strings.TrimSpace(string(out))) > 0
	}
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "run.json"), append(raw, '\n'), 0o644)
}

func readRunInfo(dir string) (RunInfo, bool) {
	var info RunInfo
	raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil || json.Unmarshal(raw, &info) != nil {
		return info, false
	}
	return info, true
}

func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func goVersion() string {
	out, err := exec.Command(goCmd(), "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}
