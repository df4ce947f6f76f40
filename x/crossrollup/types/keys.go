package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the crossrollup module, also its store key
	// and the name of the bridge escrow module account.
	ModuleName = "crossrollup"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName
)

// Store prefixes. Never renumber: they are part of the consensus state.
var (
	ParamsKey        = collections.NewPrefix(0)
	LedgersKey       = collections.NewPrefix(1)  // (rollup id, denom) -> escrowed amount
	PausedKey        = collections.NewPrefix(2)  // rollup id: the bridge of the rollup is paused
	OutflowCapsKey   = collections.NewPrefix(3)  // rollup id -> OutflowCap
	OutflowUsageKey  = collections.NewPrefix(4)  // rollup id -> OutflowUsage of its current epoch
	PendingKey       = collections.NewPrefix(5)  // pending id -> PendingWithdrawal
	NextPendingIDKey = collections.NewPrefix(6)  // sequence of pending ids
	ReleaseCursorKey = collections.NewPrefix(7)  // first pending id EndBlock examines next
	ExitsKey         = collections.NewPrefix(8)  // (rollup id, leaf index) -> ExitRecord: the exit nullifiers
	ExitCreditsKey   = collections.NewPrefix(9)  // (rollup id, L2 account, denom) -> amount owed outside the state tree
	RefundQueueKey   = collections.NewPrefix(10) // rollup id -> RefundCursor of a frozen rollup's inbox refund
	// WaitingRefundsKey: (frozen rollup id, inbox sequence) -> WaitingRefund
	// whose source rollup is paused; WaitingRefundCursorKey: where EndBlock
	// retries them next.
	WaitingRefundsKey      = collections.NewPrefix(11)
	WaitingRefundCursorKey = collections.NewPrefix(12)
	// AccruedKey: (L1 address, denom) -> what the address's own batches
	// withdrew to it, in escrow until MsgClaimAccrued (issue 17).
	AccruedKey = collections.NewPrefix(13)
)

// RewardSourceBridgeFee is the reward-pool source name of bridge fees.
const RewardSourceBridgeFee = "bridge_fee"
