package keeper

import (
	"fmt"
	"maps"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// Keeper owns the bridge state: params, the escrow ledgers per rollup and
// denom, pauses and outflow caps, deferred withdrawals, and the exits,
// exit credits and refund queues of frozen rollups.
type Keeper struct {
	cdc           codec.BinaryCodec
	storeService  corestore.KVStoreService
	addressCodec  address.Codec
	bankKeeper    types.BankKeeper
	rollupsKeeper types.RollupsKeeper
	// batches is x/rollups' Msg service, which bundles call.
	batches    types.BatchSubmitter
	rewardPool types.RewardPool
	// exitVerifiers are the exodus verifiers by layout name, sorted by
	// name; fixed at construction.
	exitVerifiers []namedExitVerifier

	// authority is the only address allowed to change params (x/gov).
	authority string

	Schema  collections.Schema
	Params  collections.Item[types.Params]
	Ledgers collections.Map[collections.Pair[string, string], sdkmath.Int]
	// Paused holds true for the rollups whose bridge governance paused (a
	// Map, not a KeySet: ICS23 cannot prove empty values, which would break
	// neighbours' proofs).
	Paused collections.Map[string, bool]
	// OutflowCaps and OutflowUsage implement the per-epoch withdrawal cap.
	OutflowCaps  collections.Map[string, types.OutflowCap]
	OutflowUsage collections.Map[string, types.OutflowUsage]
	// Pending holds deferred withdrawals by id (FIFO); their amounts are in
	// the escrow account but no longer in any ledger.
	Pending       collections.Map[uint64, types.PendingWithdrawal]
	NextPendingID collections.Sequence
	ReleaseCursor collections.Item[uint64]
	// Exits are the exodus nullifiers: one record per exited leaf.
	Exits collections.Map[collections.Pair[string, uint64], types.ExitRecord]
	// ExitCredits is what frozen rollups owe L2 addresses outside their
	// state tree (refunds), per denom. The value stays in the rollup's
	// ledger until claimed.
	ExitCredits collections.Map[collections.Triple[string, []byte, string], sdkmath.Int]
	// RefundQueue holds the frozen rollups whose unconsumed inbox EndBlock
	// is refunding, with their progress.
	RefundQueue collections.Map[string, types.RefundCursor]
	// WaitingRefunds are refunds of frozen rollups' entries whose source is
	// paused (M5 of the December 2026 review): retried by EndBlock, from
	// WaitingRefundCursor, instead of credited where nobody can claim.
	WaitingRefunds      collections.Map[collections.Pair[string, uint64], types.WaitingRefund]
	WaitingRefundCursor collections.Item[types.WaitingRefund]
	// Accrued is what a submitter's own batches withdrew to it (its fee
	// withdrawals), per denom: out of the rollup's ledger, still in the
	// escrow account until MsgClaimAccrued pays it (accrued.go).
	Accrued collections.Map[collections.Pair[sdk.AccAddress, string], sdkmath.Int]
}

// NewKeeper builds the keeper from everything it uses: x/rollups' registry
// and inbox, x/rollups' Msg service for bundles (batches), the reward pool
// for bridge fees, and the exodus verifier of each exit layout name the
// chain supports (exitVerifiers; a layout without one cannot exit). It
// panics on a missing dependency or a malformed authority: that is a
// wiring bug, caught at start-up, never at runtime.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	bankKeeper types.BankKeeper,
	rollupsKeeper types.RollupsKeeper,
	batches types.BatchSubmitter,
	rewardPool types.RewardPool,
	exitVerifiers map[string]types.ExitVerifier,
	authority string,
) Keeper {
	requireDependency(cdc != nil, "codec")
	requireDependency(storeService != nil, "store service")
	requireDependency(addressCodec != nil, "address codec")
	requireDependency(bankKeeper != nil, "bank keeper")
	requireDependency(rollupsKeeper != nil, "rollups keeper")
	requireDependency(batches != nil, "batch submitter")
	requireDependency(rewardPool != nil, "reward pool")
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Sprintf("x/%s: invalid authority address %q: %s", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		storeService:  storeService,
		addressCodec:  addressCodec,
		bankKeeper:    bankKeeper,
		rollupsKeeper: rollupsKeeper,
		batches:       batches,
		rewardPool:    rewardPool,
		exitVerifiers: sortedExitVerifiers(exitVerifiers),
		authority:     authority,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Ledgers: collections.NewMap(sb, types.LedgersKey, "ledgers",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), sdk.IntValue),
		Paused:        collections.NewMap(sb, types.PausedKey, "paused", collections.StringKey, collections.BoolValue),
		OutflowCaps:   collections.NewMap(sb, types.OutflowCapsKey, "outflow_caps", collections.StringKey, codec.CollValue[types.OutflowCap](cdc)),
		OutflowUsage:  collections.NewMap(sb, types.OutflowUsageKey, "outflow_usage", collections.StringKey, codec.CollValue[types.OutflowUsage](cdc)),
		Pending:       collections.NewMap(sb, types.PendingKey, "pending", collections.Uint64Key, codec.CollValue[types.PendingWithdrawal](cdc)),
		NextPendingID: collections.NewSequence(sb, types.NextPendingIDKey, "next_pending_id"),
		ReleaseCursor: collections.NewItem(sb, types.ReleaseCursorKey, "release_cursor", collections.Uint64Value),
		Exits: collections.NewMap(sb, types.ExitsKey, "exits",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.ExitRecord](cdc)),
		ExitCredits: collections.NewMap(sb, types.ExitCreditsKey, "exit_credits",
			collections.TripleKeyCodec(collections.StringKey, collections.BytesKey, collections.StringKey), sdk.IntValue),
		RefundQueue: collections.NewMap(sb, types.RefundQueueKey, "refund_queue", collections.StringKey, codec.CollValue[types.RefundCursor](cdc)),
		WaitingRefunds: collections.NewMap(sb, types.WaitingRefundsKey, "waiting_refunds",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.WaitingRefund](cdc)),
		WaitingRefundCursor: collections.NewItem(sb, types.WaitingRefundCursorKey, "waiting_refund_cursor", codec.CollValue[types.WaitingRefund](cdc)),
		Accrued: collections.NewMap(sb, types.AccruedKey, "accrued",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey), sdk.IntValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// requireDependency panics, naming the dependency, when the app did not
// give one: the app refuses to start rather than run without it.
func requireDependency(given bool, what string) {
	if !given {
		panic(fmt.Sprintf("x/%s: NewKeeper: no %s given", types.ModuleName, what))
	}
}

// sortedExitVerifiers lists the verifiers by layout name. A name given no
// verifier is a wiring bug.
func sortedExitVerifiers(byName map[string]types.ExitVerifier) []namedExitVerifier {
	out := make([]namedExitVerifier, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		requireDependency(name != "" && byName[name] != nil, fmt.Sprintf("exit verifier for layout %q", name))
		out = append(out, namedExitVerifier{name: name, verifier: byName[name]})
	}
	return out
}

// Authority returns the address allowed to update params.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the chain's account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }
