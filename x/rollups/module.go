package rollups

import (
	"context"
	"encoding/json"
	"fmt"

	"cosmossdk.io/core/appmodule"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/nativechain/nativechain/x/rollups/client/cli"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// ConsensusVersion is bumped with every state-breaking migration. Version
// 2 (issue 17): verifying keys stored once by hash, the compact batch
// history and the rollup record split into a hot and a cold part. There is
// no in-place migration from 1 (keeper.Migrate1to2 refuses, so an upgrade
// halts at its height instead of running on a store it cannot read):
// export genesis with the old binary and start the new one from it.
const ConsensusVersion = 2

var (
	_ module.AppModuleBasic      = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasConsensusVersion = AppModule{}
	_ appmodule.AppModule        = AppModule{}
	_ appmodule.HasEndBlocker    = AppModule{}
	_ appmodule.HasServices      = AppModule{}
)

// AppModule is the x/rollups module: the rollup registry and the in-consensus
// verifier of batch validity proofs.
type AppModule struct {
	cdc    codec.Codec
	keeper *keeper.Keeper
}

// NewAppModule wires the module around its keeper. It panics if the
// keeper's hooks were not registered: without them no batch reaches the
// bridge or the reward pool, and the app must not start.
func NewAppModule(cdc codec.Codec, k *keeper.Keeper) AppModule {
	if !k.HasHooks() {
		panic(fmt.Sprintf("x/%s: NewAppModule: the keeper has no hooks; register x/crossrollup's and x/rewards' with SetHooks first", types.ModuleName))
	}
	return AppModule{cdc: cdc, keeper: k}
}

// IsAppModule and IsOnePerModuleType tag the module for the app wiring.
func (AppModule) IsAppModule() {}

func (AppModule) IsOnePerModuleType() {}

// Name returns the module name.
func (AppModule) Name() string { return types.ModuleName }

// ConsensusVersion implements module.HasConsensusVersion.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// RegisterLegacyAminoCodec registers the amino names of the module's messages.
func (AppModule) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the module's messages.
func (AppModule) RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	types.RegisterInterfaces(registry)
}

// RegisterGRPCGatewayRoutes mounts the module's REST routes.
func (AppModule) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(clientCtx)); err != nil {
		panic(err)
	}
}

// GetTxCmd returns the hand-written tx commands, which read verifying keys,
// batch data and proofs from files; AutoCLI adds the rest (see autocli.go).
func (am AppModule) GetTxCmd() *cobra.Command {
	return cli.GetTxCmd(am.keeper.AddressCodec())
}

// RegisterServices registers the Msg and Query services.
func (am AppModule) RegisterServices(registrar grpc.ServiceRegistrar) error {
	types.RegisterMsgServer(registrar, keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(registrar, keeper.NewQueryServerImpl(am.keeper))
	if cfg, ok := registrar.(module.Configurator); ok {
		if err := cfg.RegisterMigration(types.ModuleName, 1, keeper.Migrate1to2); err != nil {
			return fmt.Errorf("x/rollups: register migration 1 to 2: %w", err)
		}
	}
	return nil
}

// DefaultGenesis returns the default genesis state as JSON.
func (am AppModule) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis checks a genesis state statelessly.
func (am AppModule) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return fmt.Errorf("failed to unmarshal %s genesis state: %w", types.ModuleName, err)
	}
	return gs.Validate()
}

// InitGenesis writes the genesis state. A failure here aborts chain start.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := am.keeper.InitGenesis(ctx, &gs); err != nil {
		panic(fmt.Errorf("x/%s: init genesis: %w", types.ModuleName, err))
	}
}

// ExportGenesis reads the module state as JSON.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(fmt.Errorf("x/%s: export genesis: %w", types.ModuleName, err))
	}
	return cdc.MustMarshalJSON(gs)
}

// EndBlock freezes rollups that left an inbox message unconsumed past its
// deadline (bounded by the max_freezes_per_block param).
func (am AppModule) EndBlock(ctx context.Context) error {
	return am.keeper.EndBlock(ctx)
}
