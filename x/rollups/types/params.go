package types

import (
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
)

// Default parameter values. The gas constants are derived from benchmarks
// against the SDK's secp256k1 price (1,000 gas per signature check): see
// docs/x-rollups.md ("Gas constants"). gas_per_da_byte prices only the work
// a posted byte causes beyond carrying it (DA and outbox hashing): carrying
// it is already paid by the ante's tx_size_cost_per_byte, which charges
// every byte of the transaction (issue 17: not twice).
const (
	DefaultMaxBatchDataBytes uint64 = 128 * 1024
	DefaultMaxVkBytes        uint64 = 4 * 1024
	DefaultVerifyProofGas    uint64 = 20_000
	DefaultGasPerDaByte      uint64 = 5
	// DefaultVkUpdateDelayBlocks leaves users who object to a key or
	// operator change 598 blocks (about an hour at 6 s) to force their exit
	// after the inbox deadline (600) and the two blocks a freeze takes.
	DefaultVkUpdateDelayBlocks uint64 = 1_200
	DefaultInboxDeadlineBlocks uint64 = 600
	// MaxInboxDeadlineBlocks bounds the deadline governance may set (about
	// 69 days at 6 s), so deadline arithmetic stays far from overflow.
	MaxInboxDeadlineBlocks uint64 = 1_000_000
	// MinExitReactionBlocks is the least time a user gets, after a key or
	// operator change is scheduled, to append a forced exit that the old
	// key must serve: vk_update_delay_blocks must be at least
	// inbox_deadline_blocks + 2 + MinExitReactionBlocks.
	MinExitReactionBlocks uint64 = 100
	// DefaultInboxEntriesPerDeadline (C) is the consumption rate every
	// rollup must sustain: 128 messages per 600 blocks. The payments
	// circuit (16 slots, 1 forced-capable, 44 s per proof on the reference
	// machine) needs at most one batch per 18.75 blocks for it even when
	// every message bounces and takes two slots (docs/liveness.md).
	DefaultInboxEntriesPerDeadline uint64 = 128
	// DefaultForcedEntriesPerDeadline: 16 forced transactions per 600
	// blocks, one per 38 blocks; the payments circuit consumes at most one
	// per batch.
	DefaultForcedEntriesPerDeadline uint64 = 16
	// MaxInboxEntriesPerDeadline bounds the rate governance may demand.
	MaxInboxEntriesPerDeadline uint64 = 1_000_000
	DefaultMaxOperators        uint64 = 16
	// DefaultPermissionlessAfterBlocks opens a silent rollup to any prover.
	DefaultPermissionlessAfterBlocks uint64 = 300
	// MaxPermissionlessAfterBlocks bounds it (about 800 years at 6 s
	// blocks): "never" must not wrap to a negative int64 height offset.
	MaxPermissionlessAfterBlocks uint64 = 1 << 32
	DefaultMaxFreezesPerBlock    uint32 = 20
	MaxFreezesPerBlockLimit      uint32 = 1_000

	// MaxBatchDataBytesLimit bounds what governance may set: a batch must
	// always fit comfortably in a block.
	MaxBatchDataBytesLimit uint64 = 2 * 1024 * 1024
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
	// DefaultForcedInclusionFee: 0.1 NAT per forced transaction, so a forced
	// queue that delays a victim by a day (379 entries at one per 38
	// blocks) costs about 38 NAT (docs/liveness.md).
	DefaultForcedInclusionFee = sdkmath.NewInt(100_000)
)

// OutboxEntryGas is charged for every entry of a batch's outbox, on top of
// gas_per_da_byte for its bytes: an outbox is hashed entry by entry (a
// chain of six elements and five digests each), so a dense outbox of
// one-byte fields hashes about 37 times slower per byte than batch data.
// Measured with BenchmarkRedTeam4_DenseOutboxHash (x/rollups/keeper): 1,024
// entries of 12 bytes in 110 ms median against 209 us for a secp256k1
// check (1,000 gas), about 520 gas an entry; 1,000 keeps about a 2x margin
// (red team 4, R4-1). It is a constant, not a param, like the SDK's
// per-signature price.
const OutboxEntryGas uint64 = 1_000

// DefaultBatchHistoryKeep keeps every batch record (about 94 bytes each):
// the operator's exit tool (nativechaind l2 exit) replays a rollup from its
// first batch through the Batch query. A chain whose users replay from
// events and blocks may set a bound; each batch then prunes at most two
// records.
const DefaultBatchHistoryKeep uint64 = 0

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
		InboxEntriesPerDeadline:   DefaultInboxEntriesPerDeadline,
		ForcedEntriesPerDeadline:  DefaultForcedEntriesPerDeadline,
		ForcedInclusionFee:        sdk.NewCoin(sdk.DefaultBondDenom, DefaultForcedInclusionFee),
		BatchHistoryKeep:          DefaultBatchHistoryKeep,
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
	if p.MaxVkBytes == 0 || p.MaxVkBytes > protocol.MaxVerifyingKeyBytes {
		return ErrInvalidParams.Wrapf("max vk bytes must be in [1, %d], got %d", protocol.MaxVerifyingKeyBytes, p.MaxVkBytes)
	}
	if p.VerifyProofGas == 0 || p.VerifyProofGas > MaxVerifyProofGas {
		return ErrInvalidParams.Wrapf("verify proof gas must be in [1, %d] (verification is never free), got %d", MaxVerifyProofGas, p.VerifyProofGas)
	}
	if p.GasPerDaByte == 0 || p.GasPerDaByte > MaxGasPerDaByte {
		return ErrInvalidParams.Wrapf("gas per DA byte must be in [1, %d] (posted data is never free), got %d", MaxGasPerDaByte, p.GasPerDaByte)
	}
	if p.InboxDeadlineBlocks == 0 || p.InboxDeadlineBlocks > MaxInboxDeadlineBlocks {
		return ErrInvalidParams.Wrapf("inbox deadline must be in [1, %d], got %d", MaxInboxDeadlineBlocks, p.InboxDeadlineBlocks)
	}
	// A key or operator change must leave users who object the whole
	// forced-exit window: time to react, the inbox deadline, and the two
	// blocks before a missed deadline freezes the rollup (H5). It is also
	// at least 1 (C1): a change never applies in the block that made it.
	if minDelay := p.InboxDeadlineBlocks + 2 + MinExitReactionBlocks; p.VkUpdateDelayBlocks < minDelay {
		return ErrInvalidParams.Wrapf("vk update delay must be at least inbox deadline %d + 2 + %d reaction blocks = %d, got %d",
			p.InboxDeadlineBlocks, MinExitReactionBlocks, minDelay, p.VkUpdateDelayBlocks)
	}
	if p.VkUpdateDelayBlocks > MaxInboxDeadlineBlocks*4 {
		return ErrInvalidParams.Wrapf("vk update delay must be at most %d, got %d", MaxInboxDeadlineBlocks*4, p.VkUpdateDelayBlocks)
	}
	if p.MaxOperators == 0 || p.MaxOperators > MaxOperatorsLimit {
		return ErrInvalidParams.Wrapf("max operators must be in [1, %d], got %d", MaxOperatorsLimit, p.MaxOperators)
	}
	if p.PermissionlessAfterBlocks == 0 || p.PermissionlessAfterBlocks > MaxPermissionlessAfterBlocks {
		return ErrInvalidParams.Wrapf("permissionless-after must be in [1, %d] (the operators get a head start), got %d",
			MaxPermissionlessAfterBlocks, p.PermissionlessAfterBlocks)
	}
	if p.MaxFreezesPerBlock == 0 || p.MaxFreezesPerBlock > MaxFreezesPerBlockLimit {
		return ErrInvalidParams.Wrapf("max freezes per block must be in [1, %d], got %d", MaxFreezesPerBlockLimit, p.MaxFreezesPerBlock)
	}
	if p.InboxEntriesPerDeadline == 0 || p.InboxEntriesPerDeadline > MaxInboxEntriesPerDeadline {
		return ErrInvalidParams.Wrapf("inbox entries per deadline must be in [1, %d], got %d", MaxInboxEntriesPerDeadline, p.InboxEntriesPerDeadline)
	}
	// Forced transactions are inbox messages too: a forced rate above the
	// overall rate would promise what the overall rate does not demand.
	if p.ForcedEntriesPerDeadline == 0 || p.ForcedEntriesPerDeadline > p.InboxEntriesPerDeadline {
		return ErrInvalidParams.Wrapf("forced entries per deadline must be in [1, inbox entries per deadline %d], got %d",
			p.InboxEntriesPerDeadline, p.ForcedEntriesPerDeadline)
	}
	if err := p.ForcedInclusionFee.Validate(); err != nil {
		return ErrInvalidParams.Wrapf("forced inclusion fee: %s", err)
	}
	return nil
}
