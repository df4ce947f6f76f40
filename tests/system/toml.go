//go:build system

package system

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TOMLEdit sets one key of one section of a TOML file written by the node.
// Section "" is the top level; Value is a TOML literal, so strings carry their
// quotes (use Str). The key must already exist: a renamed key in a new SDK or
// CometBFT version fails the test instead of being silently ignored.
type TOMLEdit struct {
	Section string
	Key     string
	Value   string
}

// Str quotes s as a TOML basic string.
func Str(s string) string { return strconv.Quote(s) }

// EditTOML applies edits to the file at path in place.
func EditTOML(t testing.TB, path string, edits ...TOMLEdit) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	lines := strings.Split(string(raw), "\n")
	for _, e := range edits {
		if err := setTOMLKey(lines, e); err != nil {
			t.Fatalf("edit %s: %v", path, err)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}

func setTOMLKey(lines []string, e TOMLEdit) error {
	section := ""
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			section = strings.Trim(trimmed, "[] \t")
			continue
		}
		if section != e.Section {
			continue
		}
		key, _, found := strings.Cut(trimmed, "=")
		if found && strings.TrimSpace(key) == e.Key {
			lines[i] = e.Key + " = " + e.Value
			return nil
		}
	}
	return fmt.Errorf("key %q not found in section [%s]", e.Key, e.Section)
}
