package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Keeper owns the rollups state: params, the rollup registry, verified
// batch records and every rollup's inbox. All state lives in collections;
// the only in-memory state is a cache of parsed verifying keys and of
// proofs already verified on this node, which never changes a result.
//
// The app holds it by pointer, as x/staking's: its hooks are registered
// once after construction, and every holder (module, Msg server, ante
// handlers, x/crossrollup's bundles) sees them.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService corestore.KVStoreService
	addressCodec address.Codec
	bankKeeper   types.BankKeeper

	// authority is the only address allowed to change params (x/gov).
	authority string

	// hooks reach the modules built after this one: x/crossrollup (outbox,
	// refunds, the bridge-funds veto on deregistration) and x/rewards (work,
	// fees, slashed bonds). Set once by SetHooks.
	hooks types.RollupsHooks
	cache *verifyCache

	Schema collections.Schema
	Params collections.Item[types.Params]
	// Rollups holds the hot fields of each rollup record, RollupInfos the
	// cold ones (see rollup_record.go); GetRollup joins them.
	Rollups     collections.Map[string, types.Rollup]
	RollupInfos collections.Map[string, types.Rollup]
	Batches     collections.Map[collections.Pair[string, uint64], types.Batch]
	Inbox       collections.Map[collections.Pair[string, uint64], types.InboxMessage]
	// Deadlines indexes (deadline height, rollup id) of active rollups with
	// an unconsumed inbox message (see liveness.go). The value is always
	// true: a KeySet would store empty values, and ICS23 cannot prove a leaf
	// with an empty value, which breaks absence proofs of its neighbours.
	Deadlines collections.Map[collections.Pair[int64, string], bool]
	// PendingForced indexes (rollup id, inbox sequence) of the forced
	// transactions no batch has consumed yet (see forced.go); the value is
	// always true, for the same reason as Deadlines.
	PendingForced collections.Map[collections.Pair[string, uint64], bool]
	// Closings indexes (closing height, rollup id) of the rollups winding
	// down (see registry.go, deregisterRollup); the value is always true.
	Closings collections.Map[collections.Pair[int64, string], bool]
	// VerifyingKeys holds each verifying key once, by sha256 (see
	// verifying_keys.go).
	VerifyingKeys collections.Map[[]byte, []byte]
}

// NewKeeper builds the keeper. It panics on a missing dependency or a
// malformed authority: that is a wiring bug, caught at start-up, never at
// runtime.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	bankKeeper types.BankKeeper,
	authority string,
) *Keeper {
	requireDependency(cdc != nil, "codec")
	requireDependency(storeService != nil, "store service")
	requireDependency(addressCodec != nil, "address codec")
	requireDependency(bankKeeper != nil, "bank keeper")
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Sprintf("x/%s: invalid authority address %q: %s", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := &Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		bankKeeper:   bankKeeper,
		authority:    authority,
		cache:        newVerifyCache(),
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Rollups:      collections.NewMap(sb, types.RollupsKey, "rollups", collections.StringKey, codec.CollValue[types.Rollup](cdc)),
		RollupInfos:  collections.NewMap(sb, types.RollupInfosKey, "rollup_infos", collections.StringKey, codec.CollValue[types.Rollup](cdc)),
		Batches: collections.NewMap(sb, types.BatchesKey, "batches",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.Batch](cdc)),
		Inbox: collections.NewMap(sb, types.InboxKey, "inbox",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.InboxMessage](cdc)),
		Deadlines: collections.NewMap(sb, types.DeadlinesKey, "deadlines",
			collections.PairKeyCodec(collections.Int64Key, collections.StringKey), collections.BoolValue),
		PendingForced: collections.NewMap(sb, types.PendingForcedKey, "pending_forced",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), collections.BoolValue),
		Closings: collections.NewMap(sb, types.ClosingsKey, "closings",
			collections.PairKeyCodec(collections.Int64Key, collections.StringKey), collections.BoolValue),
		VerifyingKeys: collections.NewMap(sb, types.VerifyingKeysKey, "verifying_keys", collections.BytesKey, collections.BytesValue),
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

// SetHooks registers the hooks, once, at app wiring (as x/staking's
// SetHooks). It panics on nil hooks and on a second call.
func (k *Keeper) SetHooks(h types.RollupsHooks) {
	if h == nil {
		panic(fmt.Sprintf("x/%s: SetHooks: nil hooks", types.ModuleName))
	}
	if k.hooks != nil {
		panic(fmt.Sprintf("x/%s: SetHooks: hooks already set", types.ModuleName))
	}
	k.hooks = h
}

// HasHooks reports whether SetHooks was called; the module refuses to be
// built without hooks.
func (k *Keeper) HasHooks() bool { return k.hooks != nil }

// Authority returns the address allowed to update params.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the chain's account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }
