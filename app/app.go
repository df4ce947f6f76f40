package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/auth/vesting"
	vestingtypes "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensusparamkeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/evidence"
	evidencekeeper "github.com/cosmos/cosmos-sdk/x/evidence/keeper"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/mint"
	mintkeeper "github.com/cosmos/cosmos-sdk/x/mint/keeper"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/x/crossrollup"
	crossrollupante "github.com/nativechain/nativechain/x/crossrollup/ante"
	crossrollupkeeper "github.com/nativechain/nativechain/x/crossrollup/keeper"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rewards"
	rewardskeeper "github.com/nativechain/nativechain/x/rewards/keeper"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	"github.com/nativechain/nativechain/x/rollups"
	rollupsabci "github.com/nativechain/nativechain/x/rollups/abci"
	rollupsante "github.com/nativechain/nativechain/x/rollups/ante"
	rollupskeeper "github.com/nativechain/nativechain/x/rollups/keeper"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// DefaultNodeHome is where nativechaind keeps its config and data unless
// --home says otherwise.
var DefaultNodeHome string

// maccPerms lists every module account and what it may do with coins.
// The nativechain module accounts only move coins, never mint or burn: the
// bridge escrow, the bond escrow and the reward pool must be conserved.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	minttypes.ModuleName:           {authtypes.Minter},
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	rollupstypes.ModuleName:        nil,
	crossrolluptypes.ModuleName:    nil,
	rewardstypes.ModuleName:        nil,
}

var (
	_ servertypes.Application = (*NativeApp)(nil)
)

func init() {
	userHomeDir, err := os.UserHomeDir()
	if err != nil {
		panic(err)
	}
	DefaultNodeHome = filepath.Join(userHomeDir, ".nativechain")
}

// NativeApp is the nativechain application: the Cosmos SDK base modules plus
// x/rollups, x/crossrollup and x/rewards, wired by hand.
type NativeApp struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry types.InterfaceRegistry

	keys map[string]*storetypes.KVStoreKey

	// SDK keepers
	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	MintKeeper            mintkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             *govkeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	ConsensusParamsKeeper consensusparamkeeper.Keeper

	// nativechain keepers
	RollupsKeeper     *rollupskeeper.Keeper
	CrossRollupKeeper crossrollupkeeper.Keeper
	RewardsKeeper     rewardskeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager

	configurator module.Configurator
}

// New returns a fully wired NativeApp. It reads as the list of steps below,
// in the order they must run. Every keeper is built with what it uses, so
// a missing dependency stops the app here (the constructors panic); the one
// wiring after construction is x/rollups' hooks, registered once.
func New(
	logger log.Logger,
	db dbm.DB,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	baseAppOptions ...func(*baseapp.BaseApp),
) *NativeApp {
	app := newNativeApp(logger, db, baseAppOptions...)
	app.initAccountKeepers(logger)
	app.initStakingKeepers()
	app.initGovKeepers(appOpts)
	app.initNativeKeepers()
	app.initMintKeeper()
	app.initModuleManager()
	app.setModuleOrder()
	app.registerServices()
	app.MountKVStores(app.keys)
	app.setABCIHandlers()
	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("failed to load latest version: %w", err))
		}
	}
	return app
}

// newNativeApp builds the codecs, the BaseApp and the store keys.
func newNativeApp(logger log.Logger, db dbm.DB, baseAppOptions ...func(*baseapp.BaseApp)) *NativeApp {
	interfaceRegistry, err := types.NewInterfaceRegistryWithOptions(types.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          address.NewBech32Codec(Bech32Prefix),
			ValidatorAddressCodec: address.NewBech32Codec(Bech32PrefixValAddr),
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)

	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	bApp := baseapp.NewBaseApp(AppName, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	return &NativeApp{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys: storetypes.NewKVStoreKeys(
			authtypes.StoreKey, banktypes.StoreKey, stakingtypes.StoreKey,
			minttypes.StoreKey, distrtypes.StoreKey, slashingtypes.StoreKey,
			govtypes.StoreKey, consensusparamtypes.StoreKey, upgradetypes.StoreKey,
			evidencetypes.StoreKey,
			rollupstypes.StoreKey, crossrolluptypes.StoreKey, rewardstypes.StoreKey,
		),
	}
}

// govAuthority is the address allowed to change every module's params:
// x/gov's module account.
func govAuthority() string { return authtypes.NewModuleAddress(govtypes.ModuleName).String() }

// storeService is the KV store of a module's store key.
func (app *NativeApp) storeService(storeKey string) corestore.KVStoreService {
	return runtime.NewKVStoreService(app.keys[storeKey])
}

// initAccountKeepers builds x/consensus, x/auth and x/bank.
func (app *NativeApp) initAccountKeepers(logger log.Logger) {
	app.ConsensusParamsKeeper = consensusparamkeeper.NewKeeper(
		app.appCodec, app.storeService(consensusparamtypes.StoreKey), govAuthority(), runtime.EventService{},
	)
	app.SetParamStore(app.ConsensusParamsKeeper.ParamsStore)

	app.AccountKeeper = authkeeper.NewAccountKeeper(
		app.appCodec, app.storeService(authtypes.StoreKey), authtypes.ProtoBaseAccount,
		maccPerms, address.NewBech32Codec(Bech32Prefix), Bech32Prefix, govAuthority(),
	)
	app.BankKeeper = bankkeeper.NewBaseKeeper(
		app.appCodec, app.storeService(banktypes.StoreKey), app.AccountKeeper,
		BlockedAddresses(), govAuthority(), logger,
	)
}

// initStakingKeepers builds x/staking, x/distribution, x/slashing and
// x/evidence, and registers x/staking's hooks.
func (app *NativeApp) initStakingKeepers() {
	app.StakingKeeper = stakingkeeper.NewKeeper(
		app.appCodec, app.storeService(stakingtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		govAuthority(), address.NewBech32Codec(Bech32PrefixValAddr), address.NewBech32Codec(Bech32PrefixConsAddr),
	)
	app.DistrKeeper = distrkeeper.NewKeeper(
		app.appCodec, app.storeService(distrtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		app.StakingKeeper, authtypes.FeeCollectorName, govAuthority(),
	)
	app.SlashingKeeper = slashingkeeper.NewKeeper(
		app.appCodec, app.legacyAmino, app.storeService(slashingtypes.StoreKey), app.StakingKeeper, govAuthority(),
	)
	app.StakingKeeper.SetHooks(
		stakingtypes.NewMultiStakingHooks(app.DistrKeeper.Hooks(), app.SlashingKeeper.Hooks()),
	)
	evidenceKeeper := evidencekeeper.NewKeeper(
		app.appCodec, app.storeService(evidencetypes.StoreKey), app.StakingKeeper,
		app.SlashingKeeper, address.NewBech32Codec(Bech32Prefix), runtime.ProvideCometInfoService(),
	)
	app.EvidenceKeeper = *evidenceKeeper
}

// initGovKeepers builds x/upgrade and x/gov.
func (app *NativeApp) initGovKeepers(appOpts servertypes.AppOptions) {
	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(
		skipUpgradeHeights, app.storeService(upgradetypes.StoreKey), app.appCodec, homePath,
		app.BaseApp, govAuthority(),
	)
	app.GovKeeper = govkeeper.NewKeeper(
		app.appCodec, app.storeService(govtypes.StoreKey), app.AccountKeeper, app.BankKeeper,
		app.DistrKeeper, app.MsgServiceRouter(), govtypes.DefaultConfig(), govAuthority(),
		govkeeper.NewDefaultCalculateVoteResultsAndVotingPower(app.StakingKeeper),
	)
}

// initNativeKeepers builds x/rollups, then x/rewards (which asks x/rollups
// whether a rollup's operators may be paid), then x/crossrollup (x/rollups'
// registry, inbox and Msg service for bundles, the reward pool for bridge
// fees, the exodus verifier of each exit layout), and registers x/rollups'
// hooks: the bridge applies every verified batch's outbox and vetoes
// deregistration while a rollup still holds funds; then the reward pool
// charges the batch fee, records the operator's work and takes the fees
// x/rollups collects.
func (app *NativeApp) initNativeKeepers() {
	accCodec := address.NewBech32Codec(Bech32Prefix)
	app.RollupsKeeper = rollupskeeper.NewKeeper(
		app.appCodec, app.storeService(rollupstypes.StoreKey), accCodec, app.BankKeeper, govAuthority(),
	)
	app.RewardsKeeper = rewardskeeper.NewKeeper(
		app.appCodec, app.storeService(rewardstypes.StoreKey), accCodec, app.BankKeeper,
		app.RollupsKeeper, authtypes.FeeCollectorName, govAuthority(),
	)
	app.CrossRollupKeeper = crossrollupkeeper.NewKeeper(
		app.appCodec, app.storeService(crossrolluptypes.StoreKey), accCodec, app.BankKeeper,
		app.RollupsKeeper, rollupskeeper.NewMsgServerImpl(app.RollupsKeeper), app.RewardsKeeper,
		map[string]crossrolluptypes.ExitVerifier{
			protocol.ExitLayoutPaymentsV1: paymentsv1.NewExitVerifier(),
			protocol.ExitLayoutExchangeV1: exchangev1.NewExitVerifier(),
		},
		govAuthority(),
	)
	app.RollupsKeeper.SetHooks(rollupstypes.MultiRollupsHooks{app.CrossRollupKeeper.Hooks(), app.RewardsKeeper.Hooks()})
}

// initMintKeeper builds x/mint last: its mint function pays the reward
// pool its share of every block's inflation (app/mint.go).
func (app *NativeApp) initMintKeeper() {
	app.MintKeeper = mintkeeper.NewKeeper(
		app.appCodec, app.storeService(minttypes.StoreKey), app.StakingKeeper,
		app.AccountKeeper, app.BankKeeper, authtypes.FeeCollectorName, govAuthority(),
		mintkeeper.WithMintFn(mintWithPoolShare(app.RewardsKeeper, app.BankKeeper)),
	)
}

// initModuleManager builds the module manager and the basic manager, and
// registers every module's amino names and interfaces.
func (app *NativeApp) initModuleManager() {
	appCodec, accCodec := app.appCodec, address.NewBech32Codec(Bech32Prefix)
	app.ModuleManager = module.NewManager(
		genutil.NewAppModule(app.AccountKeeper, app.StakingKeeper, app, app.txConfig),
		auth.NewAppModule(appCodec, app.AccountKeeper, authsims.RandomGenesisAccounts, nil),
		vesting.NewAppModule(app.AccountKeeper, app.BankKeeper),
		bank.NewAppModule(appCodec, app.BankKeeper, app.AccountKeeper, nil),
		gov.NewAppModule(appCodec, app.GovKeeper, app.AccountKeeper, app.BankKeeper, nil),
		mint.NewAppModule(appCodec, app.MintKeeper, app.AccountKeeper, nil, nil),
		slashing.NewAppModule(appCodec, app.SlashingKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil, app.interfaceRegistry),
		distr.NewAppModule(appCodec, app.DistrKeeper, app.AccountKeeper, app.BankKeeper, app.StakingKeeper, nil),
		staking.NewAppModule(appCodec, app.StakingKeeper, app.AccountKeeper, app.BankKeeper, nil),
		upgrade.NewAppModule(app.UpgradeKeeper, accCodec),
		evidence.NewAppModule(app.EvidenceKeeper),
		consensus.NewAppModule(appCodec, app.ConsensusParamsKeeper),
		rollups.NewAppModule(appCodec, app.RollupsKeeper),
		crossrollup.NewAppModule(appCodec, app.CrossRollupKeeper),
		rewards.NewAppModule(appCodec, app.RewardsKeeper),
	)

	app.BasicModuleManager = module.NewBasicManagerFromManager(
		app.ModuleManager,
		map[string]module.AppModuleBasic{
			genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
			govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
			banktypes.ModuleName:    bankModuleBasic{app.ModuleManager.Modules[banktypes.ModuleName].(bank.AppModule).AppModuleBasic},
		},
	)
	app.BasicModuleManager.RegisterLegacyAminoCodec(app.legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(app.interfaceRegistry)
}

// setModuleOrder sets the order of the pre-, begin- and end-blockers and of
// genesis.
func (app *NativeApp) setModuleOrder() {
	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	// x/mint's BeginBlock also moves the reward pool's share of the fresh
	// inflation (its mint function), before x/distribution allocates the
	// fee collector's balance.
	app.ModuleManager.SetOrderBeginBlockers(
		minttypes.ModuleName, distrtypes.ModuleName, slashingtypes.ModuleName,
		evidencetypes.ModuleName, stakingtypes.ModuleName,
		rollupstypes.ModuleName, crossrolluptypes.ModuleName,
	)
	// x/bank first (required from SDK v0.54). x/rollups freezes censoring
	// rollups before x/rewards closes an epoch, so a frozen rollup's
	// operators earn nothing for it.
	app.ModuleManager.SetOrderEndBlockers(
		banktypes.ModuleName, govtypes.ModuleName, stakingtypes.ModuleName,
		rollupstypes.ModuleName, crossrolluptypes.ModuleName, rewardstypes.ModuleName,
	)
	genesisModuleOrder := []string{
		authtypes.ModuleName, banktypes.ModuleName, distrtypes.ModuleName, stakingtypes.ModuleName,
		slashingtypes.ModuleName, govtypes.ModuleName, minttypes.ModuleName, genutiltypes.ModuleName,
		evidencetypes.ModuleName, vestingtypes.ModuleName, upgradetypes.ModuleName,
		consensusparamtypes.ModuleName,
		rollupstypes.ModuleName, crossrolluptypes.ModuleName, rewardstypes.ModuleName,
	}
	app.ModuleManager.SetOrderInitGenesis(genesisModuleOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisModuleOrder...)
}

// registerServices registers every module's Msg and Query services, and
// the AutoCLI and reflection services.
func (app *NativeApp) registerServices() {
	app.configurator = module.NewConfigurator(app.appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}

	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)
}

// setABCIHandlers sets the genesis, block and transaction handlers.
func (app *NativeApp) setABCIHandlers() {
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)
	app.setAnteHandler()
	app.setProposalHandlers()
}

// setAnteHandler chains the SDK's ante handler and the batch and bundle
// checks.
func (app *NativeApp) setAnteHandler() {
	sdkAnte, err := ante.NewAnteHandler(ante.HandlerOptions{
		AccountKeeper:   app.AccountKeeper,
		BankKeeper:      app.BankKeeper,
		SignModeHandler: app.txConfig.SignModeHandler(),
		SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
	})
	if err != nil {
		panic(err)
	}
	// The SDK's decorators run first (fees, signatures, sequence), so a
	// batch proof is only verified for a correctly signed, fee-paying tx.
	batchAnte := sdk.ChainAnteDecorators(
		crossrollupante.NewBundleDecorator(app.CrossRollupKeeper),
		rollupsante.NewBatchProofDecorator(app.RollupsKeeper, app.BatchCheckStores()...),
	)
	app.SetAnteHandler(func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		ctx, err := sdkAnte(ctx, tx, simulate)
		if err != nil {
			return ctx, err
		}
		return batchAnte(ctx, tx, simulate)
	})
}

// setProposalHandlers sets PrepareProposal and ProcessProposal. It runs
// after setAnteHandler: ProcessProposal runs the ante handler.
func (app *NativeApp) setProposalHandlers() {
	// PrepareProposal stays the SDK's (it selects by bytes and declared gas
	// and verifies no proofs); ProcessProposal checks the same gas bound and
	// never rejects for one transaction's content, so the two cannot
	// disagree about a transaction (docs/decisions.md, "Proposal coherence").
	proposalHandler := baseapp.NewDefaultProposalHandler(app.Mempool(), app)
	app.SetPrepareProposal(proposalHandler.PrepareProposalHandler())
	app.SetProcessProposal(rollupsabci.ProcessProposalHandler(
		app.RollupsKeeper, app.txConfig.TxDecoder(), app.AnteHandler(), proposalHandler.ProcessProposalHandler()))
}

// Name returns the app's name.
func (app *NativeApp) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the modules' pre-blockers (x/upgrade, x/auth), then
// verifies all batch proofs of the block with one multi-pairing.
func (app *NativeApp) PreBlocker(ctx sdk.Context, req *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	res, err := app.ModuleManager.PreBlock(ctx)
	if err != nil {
		return nil, err
	}
	rollupsabci.PreBlockBatchVerify(ctx, app.RollupsKeeper, app.txConfig.TxDecoder(), app.AnteHandler(), req)
	return res, nil
}

// BeginBlocker runs the modules' begin-blockers in the configured order.
func (app *NativeApp) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs the modules' end-blockers in the configured order.
func (app *NativeApp) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// InitChainer initialises every module from the genesis file.
func (app *NativeApp) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("invalid genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads the state at a height (used by export).
func (app *NativeApp) LoadHeight(height int64) error {
	return app.LoadVersion(height)
}

// LegacyAmino returns the amino codec (ledger signing, legacy JSON).
func (app *NativeApp) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the app's protobuf codec.
func (app *NativeApp) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the app's interface registry.
func (app *NativeApp) InterfaceRegistry() types.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the app's transaction config.
func (app *NativeApp) TxConfig() client.TxConfig { return app.txConfig }

// BatchCheckStores are the stores whose writes by a transaction's batches
// CheckTx keeps in the check state (x/rollups' BatchProofDecorator): the
// rollup records and inboxes, so a batch builds on one still in the
// mempool, and the bridge's ledgers, so two pending batches cannot spend
// one ledger twice. x/bank's writes (withdrawals paid, batch fees) are
// dropped: coins a pending batch would pay must not fund other
// transactions in CheckTx.
func (app *NativeApp) BatchCheckStores() []storetypes.StoreKey {
	return []storetypes.StoreKey{app.keys[rollupstypes.StoreKey], app.keys[crossrolluptypes.StoreKey]}
}

// GetKey returns the KV store key of a module (tests and upgrades).
func (app *NativeApp) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

// DefaultGenesis returns the default genesis of every module.
func (app *NativeApp) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

// AutoCliOpts returns the options the CLI builds its module commands from.
func (app *NativeApp) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for _, m := range app.ModuleManager.Modules {
		if moduleWithName, ok := m.(module.HasName); ok {
			if appModule, ok := moduleWithName.(appmodule.AppModule); ok {
				modules[moduleWithName.Name()] = appModule
			}
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(Bech32Prefix),
		ValidatorAddressCodec: authcodec.NewBech32Codec(Bech32PrefixValAddr),
		ConsensusAddressCodec: authcodec.NewBech32Codec(Bech32PrefixConsAddr),
	}
}

// RegisterAPIRoutes mounts the REST gateway routes of every module.
func (app *NativeApp) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	if err := server.RegisterSwaggerAPI(apiSvr.ClientCtx, apiSvr.Router, apiConfig.Swagger); err != nil {
		panic(err)
	}
}

// RegisterTxService registers the tx gRPC service.
func (app *NativeApp) RegisterTxService(clientCtx client.Context) {
	authtx.RegisterTxService(app.GRPCQueryRouter(), clientCtx, app.Simulate, app.interfaceRegistry)
}

// RegisterTendermintService registers the CometBFT gRPC service.
func (app *NativeApp) RegisterTendermintService(clientCtx client.Context) {
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, app.Query)
}

// RegisterNodeService registers the node gRPC service.
func (app *NativeApp) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg, func() int64 {
		return app.CommitMultiStore().EarliestVersion()
	})
}

// ModuleAccountAddrs returns every module account address.
func ModuleAccountAddrs() map[string]bool {
	addrs := make(map[string]bool, len(maccPerms))
	for _, name := range slices.Sorted(maps.Keys(maccPerms)) {
		addrs[authtypes.NewModuleAddress(name).String()] = true
	}
	return addrs
}

// BlockedAddresses returns the addresses that may not receive coins by a
// plain bank send: every module account. Coins reach the bridge escrow, the
// bond escrow and the reward pool only through their modules' messages, so
// their ledgers always match their balances.
func BlockedAddresses() map[string]bool {
	return ModuleAccountAddrs()
}

// GetMaccPerms returns a copy of the module account permissions.
func GetMaccPerms() map[string][]string {
	return maps.Clone(maccPerms)
}
