package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// Keeper owns the bridge state: params, and (in later features) the escrow
// ledgers per rollup and denom, and message routing records.
type Keeper struct {
	cdc           codec.BinaryCodec
	storeService  corestore.KVStoreService
	addressCodec  address.Codec
	bankKeeper    types.BankKeeper
	rollupsKeeper types.RollupsKeeper

	// authority is the only address allowed to change params (x/gov).
	authority string

	Schema  collections.Schema
	Params  collections.Item[types.Params]
	Ledgers collections.Map[collections.Pair[string, string], sdkmath.Int]
}

// NewKeeper builds the keeper. It panics on a malformed authority: that is
// a wiring bug, caught at start-up, never at runtime.
func NewKeeper(
	cdc codec.BinaryCodec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	bankKeeper types.BankKeeper,
	rollupsKeeper types.RollupsKeeper,
	authority string,
) Keeper {
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
		authority:     authority,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Ledgers: collections.NewMap(sb, types.LedgersKey, "ledgers",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), sdk.IntValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the address allowed to update params.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec returns the chain's account address codec.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }
