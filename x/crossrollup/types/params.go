package types

import (
	sdkmath "cosmossdk.io/math"
)

const (
	DefaultMaxPayloadBytes  uint64 = 1024
	DefaultMaxOutboxEntries uint64 = 256

	// MaxPayloadBytesLimit and MaxOutboxEntriesLimit bound what governance
	// may set, so a single batch's outbox stays cheap to route.
	MaxPayloadBytesLimit  uint64 = 64 * 1024
	MaxOutboxEntriesLimit uint64 = 4096
)

// MaxBridgeFeeRate is the largest fee share of a bridged amount governance
// may set (10%).
var MaxBridgeFeeRate = sdkmath.LegacyNewDecWithPrec(1, 1)

// DefaultParams returns the default bridge parameters: deposits open, no
// bridge fee.
func DefaultParams() Params {
	return Params{
		DepositsEnabled:  true,
		MaxPayloadBytes:  DefaultMaxPayloadBytes,
		MaxOutboxEntries: DefaultMaxOutboxEntries,
		BridgeFeeRate:    sdkmath.LegacyZeroDec(),
	}
}

// Validate checks that every parameter is in its allowed range.
func (p Params) Validate() error {
	if p.MaxPayloadBytes == 0 || p.MaxPayloadBytes > MaxPayloadBytesLimit {
		return ErrInvalidParams.Wrapf("max payload bytes must be in [1, %d], got %d", MaxPayloadBytesLimit, p.MaxPayloadBytes)
	}
	if p.MaxOutboxEntries == 0 || p.MaxOutboxEntries > MaxOutboxEntriesLimit {
		return ErrInvalidParams.Wrapf("max outbox entries must be in [1, %d], got %d", MaxOutboxEntriesLimit, p.MaxOutboxEntries)
	}
	if p.BridgeFeeRate.IsNil() || p.BridgeFeeRate.IsNegative() || p.BridgeFeeRate.GT(MaxBridgeFeeRate) {
		return ErrInvalidParams.Wrapf("bridge fee rate must be in [0, %s], got %s", MaxBridgeFeeRate, p.BridgeFeeRate)
	}
	return nil
}
