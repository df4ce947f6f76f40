package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
)

// IsEmpty reports whether no layout was declared (nil or all fields zero):
// such a rollup has no exodus of L2 balances.
func (l *ExitLayout) IsEmpty() bool {
	return l == nil || (l.Name == "" && l.Depth == 0 && l.Denom == "")
}

// Validate checks a declared layout against the bounds of
// protocol/exit.go: name of 1-32 chars of [a-z0-9-], depth 1..32, a valid
// denom. An empty layout is valid.
func (l *ExitLayout) Validate() error {
	if l.IsEmpty() {
		return nil
	}
	if len(l.Name) == 0 || len(l.Name) > protocol.MaxExitLayoutNameLen {
		return ErrInvalidExitLayout.Wrapf("name %q: length must be 1-%d", l.Name, protocol.MaxExitLayoutNameLen)
	}
	for i := 0; i < len(l.Name); i++ {
		c := l.Name[i]
		if !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
			return ErrInvalidExitLayout.Wrapf("name %q: only a-z, 0-9 and '-' are allowed", l.Name)
		}
	}
	if l.Depth < 1 || l.Depth > protocol.MaxExitDepth {
		return ErrInvalidExitLayout.Wrapf("depth %d: must be 1-%d", l.Depth, protocol.MaxExitDepth)
	}
	if err := sdk.ValidateDenom(l.Denom); err != nil {
		return ErrInvalidExitLayout.Wrapf("denom: %s", err)
	}
	return nil
}
