package app

import (
	"encoding/json"

	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// GenesisState is the app state in the genesis file: one raw JSON object per
// module, keyed by module name.
type GenesisState map[string]json.RawMessage

// BlockMaxGas is the block gas limit (consensus param block.max_gas) of
// every genesis this binary writes. Without one a proposer can pack
// unbounded work into a block (security review 2026-12, M1). 30M gas:
//   - it keeps the measured capacity: 128 rollups landing one batch each per
//     1 s block (docs/PERFORMANCE.md) use about 128 x 183k = 23M gas;
//   - it bounds the worst block: at most 1,500 proofs at the 20,000
//     verify_proof_gas (about 1 ms each one by one, less batched), or 3 MB
//     of DA-hashed batch data at 10 gas per byte (about 0.5 s of Poseidon2);
//     block-level batch verification considers no more than this
//     (x/rollups/keeper.BlockBatchGasBudget).
const BlockMaxGas int64 = 30_000_000

// DefaultConsensusParams are CometBFT's defaults with the block gas limit
// set to BlockMaxGas.
func DefaultConsensusParams() *cmttypes.ConsensusParams {
	params := cmttypes.DefaultConsensusParams()
	params.Block.MaxGas = BlockMaxGas
	return params
}

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
