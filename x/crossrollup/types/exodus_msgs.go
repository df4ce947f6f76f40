package types

import (
	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Bounds of an exit claim checked before any state is read. The layout's
// own shape (siblings == depth) is checked by the keeper.
const (
	ExitRootBytes         = 32
	ExitSiblingBytes      = 32
	ExitRecipientBytes    = 20
	MaxExitSignatureBytes = 256
	// MaxExitBalanceBits bounds a claimed balance: L2 amounts are below
	// 2^128 (the inbox and outbox encoding).
	MaxExitBalanceBits = 128
)

var _ sdk.Msg = (*MsgExodusWithdraw)(nil)

// Validate checks the claim statelessly: addresses, a 32-byte root, an L2
// account within the address bound, a decimal balance below 2^128, at most
// MaxExitDepth siblings of 32 bytes, and a signature. A bad sender or
// recipient is ErrInvalidRequest; anything else in the proof is
// ErrInvalidExitProof.
func (m *MsgExodusWithdraw) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Sender); err != nil {
		return ErrInvalidRequest.Wrapf("invalid sender %q: %s", m.Sender, err)
	}
	if err := rollupstypes.ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	recipient, err := ac.StringToBytes(m.Recipient)
	if err != nil {
		return ErrInvalidRequest.Wrapf("invalid recipient %q: %s", m.Recipient, err)
	}
	if len(recipient) != ExitRecipientBytes {
		return ErrInvalidRequest.Wrapf("recipient must be a %d-byte account address, got %d bytes", ExitRecipientBytes, len(recipient))
	}
	if len(m.StateRoot) != ExitRootBytes {
		return ErrInvalidExitProof.Wrapf("state root must be %d bytes, got %d", ExitRootBytes, len(m.StateRoot))
	}
	if len(m.Account) == 0 || len(m.Account) > protocol.MaxAddressLen {
		return ErrInvalidExitProof.Wrapf("account must be 1..%d bytes, got %d", protocol.MaxAddressLen, len(m.Account))
	}
	if _, err := m.ParseBalance(); err != nil {
		return err
	}
	if _, err := m.ParsePairFields(); err != nil {
		return err
	}
	if len(m.Siblings) > protocol.MaxExitDepth {
		return ErrInvalidExitProof.Wrapf("%d siblings, at most %d", len(m.Siblings), protocol.MaxExitDepth)
	}
	for i, s := range m.Siblings {
		if len(s) != ExitSiblingBytes {
			return ErrInvalidExitProof.Wrapf("sibling %d is %d bytes, want %d", i, len(s), ExitSiblingBytes)
		}
	}
	if len(m.Signature) == 0 || len(m.Signature) > MaxExitSignatureBytes {
		return ErrInvalidExitProof.Wrapf("signature must be 1..%d bytes, got %d", MaxExitSignatureBytes, len(m.Signature))
	}
	return nil
}

// ParseBalance reads the claimed balance: a decimal integer in
// [0, 2^128). An empty balance is zero (credits-only claims carry none).
func (m *MsgExodusWithdraw) ParseBalance() (sdkmath.Int, error) {
	if m.Balance == "" {
		return sdkmath.ZeroInt(), nil
	}
	return parseExitAmount("balance", m.Balance)
}

// parseExitAmount reads a decimal integer in [0, 2^MaxExitBalanceBits).
func parseExitAmount(field, s string) (sdkmath.Int, error) {
	// 2^128 has 39 decimal digits: refuse longer strings before parsing.
	b, ok := sdkmath.Int{}, len(s) <= 39
	if ok {
		b, ok = sdkmath.NewIntFromString(s)
	}
	if !ok || b.IsNegative() || b.BigInt().BitLen() > MaxExitBalanceBits {
		return sdkmath.Int{}, ErrInvalidExitProof.Wrapf("%s %q must be a decimal integer in [0, 2^%d)", field, s, MaxExitBalanceBits)
	}
	return b, nil
}

// canonicalDecimal reports whether s is the one decimal spelling of its
// value: digits only (no sign, space or underscore), no leading zero. The
// two-denom fields are strict from the start; balance keeps the leniency it
// always had (sdkmath's parser, a leading '+' or zeros accepted).
func canonicalDecimal(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ExitPairFields are the values of a two-denom (exchange-v1) claim, each
// nil when the message leaves its field empty.
type ExitPairFields struct {
	Quote, Shares, PoolReserveBase, PoolReserveQuote, PoolTotalShares *sdkmath.Int
}

// IsEmpty reports whether the claim sets no two-denom field.
func (f ExitPairFields) IsEmpty() bool {
	return f.Quote == nil && f.Shares == nil && f.PoolReserveBase == nil && f.PoolReserveQuote == nil && f.PoolTotalShares == nil
}

// ParsePairFields reads the two-denom fields: each empty (nil) or a
// decimal integer in [0, 2^128).
func (m *MsgExodusWithdraw) ParsePairFields() (ExitPairFields, error) {
	var out ExitPairFields
	for _, f := range []struct {
		name, s string
		dst     **sdkmath.Int
	}{
		{"quote_balance", m.QuoteBalance, &out.Quote},
		{"shares", m.Shares, &out.Shares},
		{"pool_reserve_base", m.PoolReserveBase, &out.PoolReserveBase},
		{"pool_reserve_quote", m.PoolReserveQuote, &out.PoolReserveQuote},
		{"pool_total_shares", m.PoolTotalShares, &out.PoolTotalShares},
	} {
		if f.s == "" {
			continue
		}
		if !canonicalDecimal(f.s) {
			return ExitPairFields{}, ErrInvalidExitProof.Wrapf("%s %q must be a decimal integer in [0, 2^%d): digits only, no leading zero", f.name, f.s, MaxExitBalanceBits)
		}
		v, err := parseExitAmount(f.name, f.s)
		if err != nil {
			return ExitPairFields{}, err
		}
		*f.dst = &v
	}
	return out, nil
}
