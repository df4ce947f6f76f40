package types

import (
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Default parameter values. The gas constants are derived from benchmarks:
// see docs/PERFORMANCE.md ("Gas for proof verification").
const (
	DefaultMaxBatchDataBytes   uint64 = 128 * 1024
	DefaultMaxVkBytes          uint64 = 4 * 1024
	DefaultVerifyProofGas      uint64 = 20_000
	DefaultGasPerDaByte        uint64 = 10
	DefaultVkUpdateDelayBlocks uint64 = 100
	DefaultInboxDeadlineBlocks uint64 = 600
	DefaultMaxOperators        uint64 = 16
	// DefaultPermissionlessAfterBlocks opens a silent rollup to any prover.
	DefaultPermissionlessAfterBlocks uint64 = 300
	DefaultMaxFreezesPerBlock        uint32 = 20
	MaxFreezesPerBlockLimit          uint32 = 1_000
	// DefaultMaxPendingForced bounds a rollup's unconsumed forced
	// transactions. At the default deadline of 600 blocks and one forced
	// slot per batch, a full queue needs a batch every 9 blocks.
	DefaultMaxPendingForced uint64 = 64
	// MaxPendingForcedLimit bounds what governance may set, and with it the
	// index entries one batch deletes when it consumes forced entries.
	MaxPendingForcedLimit uint64 = 10_000

	// MaxBatchDataBytesLimit bounds what governance may set: a batch must
	// always fit comfortably in a block.
	MaxBatchDataBytesLimit uint64 = 2 * 1024 * 1024
	// MaxVkBytesLimit bounds the verifying-key cap governance may set.
	MaxVkBytesLimit uint64 = 64 * 1024
	// MaxVerifyProofGas and MaxGasPerDaByte bound the gas prices governance
	// may set, so gas arithmetic can never overflow.
	MaxVerifyProofGas uint64 = 100_000_000
	MaxGasPerDaByte   uint64 = 10_000
	// MaxOperatorsLimit bounds the operator-set size governance may set.
	MaxOperatorsLimit uint64 = 256
)

var (
	DefaultRegistrationFee = sdkmath.NewInt(1_000_000)  // 1 NAT
	DefaultMinOperatorBond = sdkmath.NewInt(10_000_000) // 10 NAT
)

// DefaultParams returns the default rollups parameters, denominated in the
// chain's bond denom.
func DefaultParams() Params {
	return Params{
		RegistrationFee:           sdk.NewCoin(sdk.DefaultBondDenom, DefaultRegistrationFee),
		MinOperatorBond:           sdk.NewCoin(sdk.DefaultBondDenom, DefaultMinOperatorBond),
		MaxBatchDataBytes:         DefaultMaxBatchDataBytes,
		MaxVkBytes:                DefaultMaxVkBytes,
		VerifyProofGas:            DefaultVerifyProofGas,
		GasPerDaByte:              DefaultGasPerDaByte,
		VkUpdateDelayBlocks:       DefaultVkUpdateDelayBlocks,
		InboxDeadlineBlocks:       DefaultInboxDeadlineBlocks,
		MaxOperators:              DefaultMaxOperators,
		PermissionlessAfterBlocks: DefaultPermissionlessAfterBlocks,
		MaxFreezesPerBlock:        DefaultMaxFreezesPerBlock,
		MaxPendingForced:          DefaultMaxPendingForced,
	}
}

// Validate checks that every parameter is in its allowed range.
func (p Params) Validate() error {
	if err := p.RegistrationFee.Validate(); err != nil {
		return ErrInvalidParams.Wrapf("registration fee: %s", err)
	}
	if err := p.MinOperatorBond.Validate(); err != nil {
		return ErrInvalidParams.Wrapf("min operator bond: %s", err)
	}
	if p.MaxBatchDataBytes == 0 || p.MaxBatchDataBytes > MaxBatchDataBytesLimit {
		return ErrInvalidParams.Wrapf("max batch data bytes must be in [1, %d], got %d", MaxBatchDataBytesLimit, p.MaxBatchDataBytes)
	}
	if p.MaxVkBytes == 0 || p.MaxVkBytes > MaxVkBytesLimit {
		return ErrInvalidParams.Wrapf("max vk bytes must be in [1, %d], got %d", MaxVkBytesLimit, p.MaxVkBytes)
	}
	if p.VerifyProofGas == 0 || p.VerifyProofGas > MaxVerifyProofGas {
		return ErrInvalidParams.Wrapf("verify proof gas must be in [1, %d] (verification is never free), got %d", MaxVerifyProofGas, p.VerifyProofGas)
	}
	if p.GasPerDaByte > MaxGasPerDaByte {
		return ErrInvalidParams.Wrapf("gas per DA byte must be at most %d, got %d", MaxGasPerDaByte, p.GasPerDaByte)
	}
	if p.InboxDeadlineBlocks == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "inbox deadline must be positive")
	}
	if p.MaxOperators == 0 || p.MaxOperators > MaxOperatorsLimit {
		return ErrInvalidParams.Wrapf("max operators must be in [1, %d], got %d", MaxOperatorsLimit, p.MaxOperators)
	}
	if p.PermissionlessAfterBlocks == 0 {
		return ErrInvalidParams.Wrap("permissionless-after must be positive (the operators get a head start)")
	}
	if p.MaxFreezesPerBlock == 0 || p.MaxFreezesPerBlock > MaxFreezesPerBlockLimit {
		return ErrInvalidParams.Wrapf("max freezes per block must be in [1, %d], got %d", MaxFreezesPerBlockLimit, p.MaxFreezesPerBlock)
	}
	if p.MaxPendingForced == 0 || p.MaxPendingForced > MaxPendingForcedLimit {
		return ErrInvalidParams.Wrapf("max pending forced must be in [1, %d], got %d", MaxPendingForcedLimit, p.MaxPendingForced)
	}
	return nil
}
