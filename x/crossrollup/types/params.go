package types

import (
	sdkmath "cosmossdk.io/math"

	"github.com/nativechain/nativechain/protocol"
)

const (
	DefaultMaxPayloadBytes     uint64 = 1024
	DefaultMaxOutboxEntries    uint64 = 256
	DefaultMaxBundleBatches    uint32 = 8
	DefaultOutflowEpochBlocks  uint64 = 600 // about an hour at 6 s blocks
	DefaultMaxReleasesPerBlock uint32 = 50
	MaxBundleBatchesLimit      uint32 = 64
	MaxReleasesPerBlockLimit   uint32 = 10_000
	DefaultMaxRefundsPerBlock  uint32 = 100
	MaxRefundsPerBlockLimit    uint32 = 10_000

	// MaxPayloadBytesLimit and MaxOutboxEntriesLimit bound what governance
	// may set: no more than the outbox and inbox encodings can carry
	// (package protocol), so the params never promise what no batch can hold.
	MaxPayloadBytesLimit  uint64 = protocol.MaxPayloadLen
	MaxOutboxEntriesLimit uint64 = protocol.MaxOutboxEntries
)

// MaxBridgeFeeRate is the largest fee share of a bridged amount governance
// may set (10%).
var MaxBridgeFeeRate = sdkmath.LegacyNewDecWithPrec(1, 1)

// DefaultParams returns the default bridge parameters: deposits open, no
// bridge fee.
func DefaultParams() Params {
	return Params{
		DepositsEnabled:     true,
		MaxPayloadBytes:     DefaultMaxPayloadBytes,
		MaxOutboxEntries:    DefaultMaxOutboxEntries,
		BridgeFeeRate:       sdkmath.LegacyZeroDec(),
		MaxBundleBatches:    DefaultMaxBundleBatches,
		OutflowEpochBlocks:  DefaultOutflowEpochBlocks,
		MaxReleasesPerBlock: DefaultMaxReleasesPerBlock,
		MaxRefundsPerBlock:  DefaultMaxRefundsPerBlock,
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
	if p.MaxBundleBatches < 2 || p.MaxBundleBatches > MaxBundleBatchesLimit {
		return ErrInvalidParams.Wrapf("max bundle batches must be in [2, %d], got %d", MaxBundleBatchesLimit, p.MaxBundleBatches)
	}
	if p.OutflowEpochBlocks == 0 {
		return ErrInvalidParams.Wrap("outflow epoch blocks must be positive")
	}
	if p.MaxReleasesPerBlock == 0 || p.MaxReleasesPerBlock > MaxReleasesPerBlockLimit {
		return ErrInvalidParams.Wrapf("max releases per block must be in [1, %d], got %d", MaxReleasesPerBlockLimit, p.MaxReleasesPerBlock)
	}
	if p.MaxRefundsPerBlock == 0 || p.MaxRefundsPerBlock > MaxRefundsPerBlockLimit {
		return ErrInvalidParams.Wrapf("max refunds per block must be in [1, %d], got %d", MaxRefundsPerBlockLimit, p.MaxRefundsPerBlock)
	}
	return nil
}
