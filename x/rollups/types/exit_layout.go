package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// IsEmpty reports whether no layout was declared (nil or all fields zero):
// such a rollup has no exodus of L2 balances.
func (l *ExitLayout) IsEmpty() bool {
	return l == nil || (l.Name == "" && l.Depth == 0 && l.Denom == "" && l.QuoteDenom == "")
}

// Holds reports whether a rollup with this layout holds denom: the
// layout's denom or, for a two-denom layout, its quote denom. An empty
// layout holds none (its rollup's own circuit decides what it credits).
func (l *ExitLayout) Holds(denom string) bool {
	if l.IsEmpty() || denom == "" {
		return false
	}
	return denom == l.Denom || denom == l.QuoteDenom
}

// HeldDenoms lists the denoms the layout holds, its denom first.
func (l *ExitLayout) HeldDenoms() []string {
	if l.IsEmpty() {
		return nil
	}
	if l.QuoteDenom == "" {
		return []string{l.Denom}
	}
	return []string{l.Denom, l.QuoteDenom}
}

// Validate checks a declared layout against the bounds of
// protocol/exit.go: name of 1-32 chars of [a-z0-9-], depth 1..32, a valid
// denom, and a quote denom that is valid and distinct from the denom if
// set. payments-v1 holds one denom (no quote denom); exchange-v1 holds two
// (a quote denom is required). An empty layout is valid.
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
	if l.QuoteDenom != "" {
		if err := sdk.ValidateDenom(l.QuoteDenom); err != nil {
			return ErrInvalidExitLayout.Wrapf("quote denom: %s", err)
		}
		if l.QuoteDenom == l.Denom {
			return ErrInvalidExitLayout.Wrapf("quote denom %q is the denom: a two-denom layout holds two distinct denoms", l.QuoteDenom)
		}
	}
	switch l.Name {
	case protocol.ExitLayoutPaymentsV1:
		if l.QuoteDenom != "" {
			return ErrInvalidExitLayout.Wrapf("%s holds one denom: no quote denom", l.Name)
		}
	case protocol.ExitLayoutExchangeV1:
		if l.QuoteDenom == "" {
			return ErrInvalidExitLayout.Wrapf("%s holds two denoms: a quote denom is required", l.Name)
		}
	}
	return nil
}

// CheckGenesisRoot requires an exchange-v1 rollup to start from the empty
// state of its layout: the state root commits the pool's denoms, so a
// layout naming other denoms, or the same in the other order, than the
// circuit that will prove the batches can never have a batch verified, and
// its deposits go back at freeze instead of being paid at exodus in the
// wrong denom (red team 6, R6-2). Registration and genesis import both
// apply it (red team 7, R7-2). Depth compressions plus two denom digests
// (at most about 50 Poseidon2 compressions). Other layouts: nil.
func (l *ExitLayout) CheckGenesisRoot(root fr.Element) error {
	if l.IsEmpty() || l.Name != protocol.ExitLayoutExchangeV1 {
		return nil
	}
	want := exchangev1.EmptyRoot(l.Depth, exchangev1.Pair{Base: l.Denom, Quote: l.QuoteDenom})
	if !root.Equal(&want) {
		return ErrInvalidExitLayout.Wrapf("an %s rollup starts from the empty state of its layout (depth %d, %s/%s): genesis root %x, want %x",
			l.Name, l.Depth, l.Denom, l.QuoteDenom, protocol.StateRootBytes(root), protocol.StateRootBytes(want))
	}
	return nil
}
