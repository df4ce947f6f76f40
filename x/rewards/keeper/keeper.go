package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// Keeper owns the reward pool's books: inflows by source, outflows by
// destination, the work verified in the current epoch, the payout in
// progress, operators' pending rewards and the payout history. The pool's
// coins are the balance of the module account named types.ModuleName.
type Keeper struct {
	cdc           codec.BinaryCodec
	storeService  corestore.KVStoreService
	addressCodec  address.Codec
	bankKeeper    types.BankKeeper
	rollupsKeeper types.RollupsKeeper

	// feeCollector is where the validator share goes: x/distribution
	// allocates that account's balance by stake in the next BeginBlock.
	feeCollector string
	// authority is the only address allowed to change params (x/gov).
	authority string

	Schema       collections.Schema
	Params       collections.Item[types.Params]
	Epoch        collections.Item[types.EpochState]
	Work         collections.Map[collections.Triple[uint64, string, string], types.WorkRecord]
	RollupTotals collections.Map[collections.Pair[uint64, string], types.RollupWork]
	Inflows      collections.Map[collections.Pair[string, string], sdkmath.Int]
	Outflows     collections.Map[collections.Pair[string, string], sdkmath.Int]
	Pending      collections.Map[collections.Pair[sdk.AccAddress, string], sdkmath.Int]
	PendingTotal collections.Map[string, sdkmath.Int]
	ActivePayout collections.Item[types.ActivePayout]
	Payouts      collections.Map[uint64, types.EpochPayout]
	// ApprovedKeys holds true for every (rollup id, vk hash) governance
	// approved: only work under such a key earns from the inflation-funded
	// part of the operator pot. A map to true, never a KeySet: an empty
	// value breaks ICS23 proofs (docs/decisions.md, 8).
	ApprovedKeys collections.Map[collections.Pair[string, []byte], bool]
}

// NewKeeper builds the keeper. It panics on a missing dependency or a
// malformed authority: that is a wiring bug, caught at start-up, never at
// runtime.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	bankKeeper types.BankKeeper,
	rollupsKeeper types.RollupsKeeper,
	feeCollector string,
	authority string,
) Keeper {
	requireDependency(cdc != nil, "codec")
	requireDependency(storeService != nil, "store service")
	requireDependency(addressCodec != nil, "address codec")
	requireDependency(bankKeeper != nil, "bank keeper")
	requireDependency(rollupsKeeper != nil, "rollups keeper")
	requireDependency(feeCollector != "", "fee collector name")
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
		feeCollector:  feeCollector,
		authority:     authority,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Epoch:         collections.NewItem(sb, types.EpochKey, "epoch", codec.CollValue[types.EpochState](cdc)),
		Work: collections.NewMap(sb, types.WorkKey, "work",
			collections.TripleKeyCodec(collections.Uint64Key, collections.StringKey, collections.StringKey),
			codec.CollValue[types.WorkRecord](cdc)),
		RollupTotals: collections.NewMap(sb, types.RollupTotalsKey, "rollup_totals",
			collections.PairKeyCodec(collections.Uint64Key, collections.StringKey), codec.CollValue[types.RollupWork](cdc)),
		Inflows: collections.NewMap(sb, types.InflowsKey, "inflows",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), sdk.IntValue),
		Outflows: collections.NewMap(sb, types.OutflowsKey, "outflows",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), sdk.IntValue),
		Pending: collections.NewMap(sb, types.PendingKey, "pending",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey), sdk.IntValue),
		PendingTotal: collections.NewMap(sb, types.PendingTotalKey, "pending_total", collections.StringKey, sdk.IntValue),
		ActivePayout: collections.NewItem(sb, types.ActivePayoutKey, "active_payout", codec.CollValue[types.ActivePayout](cdc)),
		Payouts:      collections.NewMap(sb, types.PayoutsKey, "payouts", collections.Uint64Key, codec.CollValue[types.EpochPayout](cdc)),
		ApprovedKeys: collections.NewMap(sb, types.ApprovedKeysKey, "approved_keys",
			collections.PairKeyCodec(collections.StringKey, collections.BytesKey), collections.BoolValue),
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

// Authority returns the address allowed to update params.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the chain's account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// PoolAddress is the reward pool's module account.
func PoolAddress() sdk.AccAddress { return authtypes.NewModuleAddress(types.ModuleName) }
