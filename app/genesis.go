package app

import (
	"encoding/json"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// GenesisState is the app state in the genesis file: one raw JSON object per
// module, keyed by module name.
type GenesisState map[string]json.RawMessage

// NativeDenomMetadata describes the native token: 1 NAT = 10^6 unat.
func NativeDenomMetadata() banktypes.Metadata {
	return banktypes.Metadata{
		Description: "The native token of nativechain: staking, fees, bonds and rewards.",
		DenomUnits: []*banktypes.DenomUnit{
			{Denom: BondDenom, Exponent: 0, Aliases: []string{"micronat"}},
			{Denom: DisplayDenom, Exponent: DisplayExponent},
		},
		Base:    BondDenom,
		Display: DisplayDenom,
		Name:    "nativechain NAT",
		Symbol:  DisplayDenom,
	}
}

// bankModuleBasic is x/bank's module basic with the native token's metadata
// in its default genesis, so `nativechaind init` writes a complete bank
// genesis.
type bankModuleBasic struct {
	bank.AppModuleBasic
}

// DefaultGenesis returns x/bank's default genesis plus the NAT metadata.
func (b bankModuleBasic) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	gs := banktypes.DefaultGenesisState()
	gs.DenomMetadata = append(gs.DenomMetadata, NativeDenomMetadata())
	return cdc.MustMarshalJSON(gs)
}
