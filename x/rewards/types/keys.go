package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the rewards module, also its store key and
	// the name of the reward pool module account.
	ModuleName = "rewards"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName
)

// Store prefixes. Never renumber: they are part of the consensus state.
var (
	ParamsKey = collections.NewPrefix(0)
	EpochKey  = collections.NewPrefix(1) // the epoch being recorded
	WorkKey   = collections.NewPrefix(2) // (epoch, rollup id, operator) -> WorkRecord
	// RetiredRollupWeightKey held (epoch, rollup id) -> summed weight as a
	// bare Int until the work split (H4); RollupTotalsKey replaced it.
	RetiredRollupWeightKey = collections.NewPrefix(3)
	InflowsKey             = collections.NewPrefix(4) // (source, denom) -> amount since genesis
	OutflowsKey            = collections.NewPrefix(5) // (destination, denom) -> amount since genesis
	PendingKey             = collections.NewPrefix(6) // (operator, denom) -> credited, unclaimed
	PendingTotalKey        = collections.NewPrefix(7) // denom -> sum of PendingKey
	ActivePayoutKey        = collections.NewPrefix(8) // the epoch payout in progress
	PayoutsKey             = collections.NewPrefix(9) // epoch -> EpochPayout
	// RollupTotalsKey: (epoch, rollup id) -> RollupWork (weight, approved
	// weight, fees paid) of a rollup frozen in the epoch, summed from its
	// work records when its work was forfeited; it marks it forfeited.
	RollupTotalsKey = collections.NewPrefix(10)
	// ApprovedKeysKey: (rollup id, vk hash) -> true, the keys whose work
	// earns from the inflation-funded part of the operator pot.
	ApprovedKeysKey = collections.NewPrefix(11)
)

// Inflow sources. Every coin that enters the pool is recorded under one of
// them by Keeper.FundPool.
const (
	// SourceInflation is the inflation_share of each block's minted coins.
	SourceInflation = "inflation"
	// SourceBatchFee is the fee per DA byte and per verification a batch's
	// submitter pays.
	SourceBatchFee = "batch_fee"
	// SourceRegistrationFee is the fee x/rollups charges to register a rollup.
	SourceRegistrationFee = "registration_fee"
	// SourceBridgeFee is for x/crossrollup's bridge fees.
	SourceBridgeFee = "bridge_fee"
	// SourceSlashedBond is for operator bonds slashed by x/rollups.
	SourceSlashedBond = "slashed_bond"
	// SourceForcedInclusionFee is the fee x/rollups charges per forced
	// transaction (MsgForceInclude).
	SourceForcedInclusionFee = "forced_inclusion_fee"
)

// InflowSources lists every accepted source, in order.
var InflowSources = []string{SourceInflation, SourceBatchFee, SourceRegistrationFee, SourceBridgeFee, SourceSlashedBond, SourceForcedInclusionFee}

// Outflow destinations.
const (
	// OutflowValidators is the validator share sent to the fee collector,
	// which x/distribution allocates by stake in the next block.
	OutflowValidators = "validators"
	// OutflowOperatorClaims is what operators claimed.
	OutflowOperatorClaims = "operator_claims"
)

// OutflowDestinations lists every outflow destination, in order.
var OutflowDestinations = []string{OutflowValidators, OutflowOperatorClaims}
