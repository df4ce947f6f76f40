package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	cmtconfig "github.com/cometbft/cometbft/config"
	cmttime "github.com/cometbft/cometbft/types/time"
	"github.com/spf13/cobra"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/cosmos/cosmos-sdk/server"
	srvconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/nativechain/nativechain/app"
)

const (
	flagNodeDirPrefix     = "node-dir-prefix"
	flagNumValidators     = "v"
	flagOutputDir         = "output-dir"
	flagNodeDaemonHome    = "node-daemon-home"
	flagStartingIPAddress = "starting-ip-address"
	flagSingleHost        = "single-host"
	flagBasePort          = "base-port"
	flagPortStride        = "port-stride"

	// Every node on a single host gets its own block of ports:
	// base+stride*i + {0: p2p, 1: rpc, 2: grpc, 3: api, 4: pprof}.
	defaultBasePort   = 26600
	defaultPortStride = 10
)

// Funding of every testnet validator account: 10^6 NAT, of which 10^4 NAT
// is self-delegated.
var (
	testnetAccountTokens = sdk.TokensFromConsensusPower(1_000_000, sdk.DefaultPowerReduction)
	testnetStakingTokens = sdk.TokensFromConsensusPower(10_000, sdk.DefaultPowerReduction)
)

type testnetArgs struct {
	numValidators     int
	outputDir         string
	chainID           string
	keyringBackend    string
	nodeDirPrefix     string
	nodeDaemonHome    string
	startingIPAddress string
	singleHost        bool
	basePort          int
	portStride        int
	minGasPrices      string
	algo              string
}

// NewTestnetCmd returns `testnet`, whose `init-files` subcommand writes the
// config, keys and a shared genesis for an N-validator network.
func NewTestnetCmd(mbm module.BasicManager) *cobra.Command {
	testnetCmd := &cobra.Command{
		Use:                        "testnet",
		Short:                      "Generate the files of a local multi-validator network",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	testnetCmd.AddCommand(testnetInitFilesCmd(mbm))
	return testnetCmd
}

func testnetInitFilesCmd(mbm module.BasicManager) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write the home folders of an N-validator testnet (one host or several)",
		Long: `init-files writes one home folder per validator (node0, node1, ...) under
--output-dir, each with its CometBFT and app config, node and validator keys, a
test-keyring account funded at genesis, and the same genesis with every gentx.

With --single-host every node listens on 127.0.0.1 with its own block of ports
(p2p = base-port + port-stride*i, rpc +1, grpc +2, api +3, pprof +4).`,
		Example: "nativechaind testnet init-files --v 4 --output-dir ./.localnet --single-host --keyring-backend test",
		RunE: func(cmd *cobra.Command, _ []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}

			args := testnetArgs{}
			args.outputDir, _ = cmd.Flags().GetString(flagOutputDir)
			args.keyringBackend, _ = cmd.Flags().GetString(flags.FlagKeyringBackend)
			args.chainID, _ = cmd.Flags().GetString(flags.FlagChainID)
			args.minGasPrices, _ = cmd.Flags().GetString(server.FlagMinGasPrices)
			args.nodeDirPrefix, _ = cmd.Flags().GetString(flagNodeDirPrefix)
			args.nodeDaemonHome, _ = cmd.Flags().GetString(flagNodeDaemonHome)
			args.startingIPAddress, _ = cmd.Flags().GetString(flagStartingIPAddress)
			args.numValidators, _ = cmd.Flags().GetInt(flagNumValidators)
			args.singleHost, _ = cmd.Flags().GetBool(flagSingleHost)
			args.basePort, _ = cmd.Flags().GetInt(flagBasePort)
			args.portStride, _ = cmd.Flags().GetInt(flagPortStride)
			args.algo, _ = cmd.Flags().GetString(flags.FlagKeyType)

			if args.numValidators < 1 {
				return fmt.Errorf("--%s must be at least 1, got %d", flagNumValidators, args.numValidators)
			}
			if args.portStride < 5 {
				return fmt.Errorf("--%s must be at least 5 (five ports per node), got %d", flagPortStride, args.portStride)
			}
			if top := args.basePort + args.portStride*args.numValidators; args.singleHost && top > 65535 {
				return fmt.Errorf("ports up to %d do not fit below 65536: lower --%s", top, flagBasePort)
			}
			return initTestnetFiles(clientCtx, cmd, mbm, args)
		},
	}

	cmd.Flags().Int(flagNumValidators, 4, "Number of validators to initialize")
	cmd.Flags().StringP(flagOutputDir, "o", "./.localnet", "Directory to store the network's home folders")
	cmd.Flags().String(flagNodeDirPrefix, "node", "Prefix of each node's folder name (node0, node1, ...)")
	cmd.Flags().String(flagNodeDaemonHome, "", "Home folder name inside each node folder (empty: the node folder itself)")
	cmd.Flags().String(flagStartingIPAddress, "127.0.0.1", "First IP address; with --single-host all nodes use it")
	cmd.Flags().Bool(flagSingleHost, true, "Run every node on one host with distinct ports")
	cmd.Flags().Int(flagBasePort, defaultBasePort, "First port of node0 with --single-host")
	cmd.Flags().Int(flagPortStride, defaultPortStride, "Ports reserved per node with --single-host")
	cmd.Flags().String(flags.FlagChainID, app.DefaultChainID, "Chain id of the network")
	cmd.Flags().String(server.FlagMinGasPrices, "0.0025"+app.BondDenom, "Minimum gas prices every node accepts")
	cmd.Flags().String(flags.FlagKeyringBackend, keyring.BackendTest, "Keyring backend (os|file|test)")
	cmd.Flags().String(flags.FlagKeyType, string(hd.Secp256k1Type), "Key signing algorithm")
	return cmd
}

type nodePorts struct{ p2p, rpc, grpc, api, pprof int }

func portsFor(args testnetArgs, i int) nodePorts {
	if !args.singleHost {
		return nodePorts{26656, 26657, 9090, 1317, 6060}
	}
	base := args.basePort + args.portStride*i
	return nodePorts{base, base + 1, base + 2, base + 3, base + 4}
}

func nodeIP(args testnetArgs, i int) (string, error) {
	if args.singleHost {
		return args.startingIPAddress, nil
	}
	ip := net.ParseIP(args.startingIPAddress).To4()
	if ip == nil {
		return "", fmt.Errorf("invalid --%s %q", flagStartingIPAddress, args.startingIPAddress)
	}
	ip = append(net.IP(nil), ip...)
	for j := 0; j < i; j++ {
		ip[3]++
		if ip[3] == 0 {
			return "", fmt.Errorf("too many validators for starting address %s", args.startingIPAddress)
		}
	}
	return ip.String(), nil
}

func initTestnetFiles(
	clientCtx client.Context,
	cmd *cobra.Command,
	mbm module.BasicManager,
	args testnetArgs,
) error {
	nodeConfigs := make([]*cmtconfig.Config, args.numValidators)
	nodeIDs := make([]string, args.numValidators)
	valPubKeys := make([]cryptotypes.PubKey, args.numValidators)
	p2pAddrs := make([]string, args.numValidators)

	appConfig := srvconfig.DefaultConfig()
	appConfig.MinGasPrices = args.minGasPrices
	appConfig.API.Enable = true
	appConfig.Telemetry.Enabled = false

	var (
		genAccounts []authtypes.GenesisAccount
		genBalances []banktypes.Balance
	)
	inBuf := bufio.NewReader(cmd.InOrStdin())
	genTxsDir := filepath.Join(args.outputDir, "gentxs")

	for i := 0; i < args.numValidators; i++ {
		nodeDirName := fmt.Sprintf("%s%d", args.nodeDirPrefix, i)
		nodeDir := filepath.Join(args.outputDir, nodeDirName, args.nodeDaemonHome)
		ports := portsFor(args, i)
		ip, err := nodeIP(args, i)
		if err != nil {
			return err
		}

		nodeConfig := initCometBFTConfig()
		nodeConfigs[i] = nodeConfig
		nodeConfig.SetRoot(nodeDir)
		nodeConfig.Moniker = nodeDirName
		nodeConfig.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", listenIP(args, ip), ports.p2p)
		nodeConfig.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", listenIP(args, ip), ports.rpc)
		nodeConfig.RPC.PprofListenAddress = fmt.Sprintf("%s:%d", listenIP(args, ip), ports.pprof)
		nodeConfig.P2P.AllowDuplicateIP = true
		nodeConfig.P2P.AddrBookStrict = false

		appConfig.API.Address = fmt.Sprintf("tcp://%s:%d", listenIP(args, ip), ports.api)
		appConfig.GRPC.Address = fmt.Sprintf("%s:%d", listenIP(args, ip), ports.grpc)

		if err := os.MkdirAll(filepath.Join(nodeDir, "config"), 0o755); err != nil {
			return err
		}

		nodeIDs[i], valPubKeys[i], err = genutil.InitializeNodeValidatorFiles(nodeConfig)
		if err != nil {
			return err
		}
		p2pAddrs[i] = fmt.Sprintf("%s@%s:%d", nodeIDs[i], ip, ports.p2p)

		kb, err := keyring.New(sdk.KeyringServiceName(), args.keyringBackend, nodeDir, inBuf, clientCtx.Codec)
		if err != nil {
			return err
		}
		keyringAlgos, _ := kb.SupportedAlgorithms()
		algo, err := keyring.NewSigningAlgoFromString(args.algo, keyringAlgos)
		if err != nil {
			return err
		}
		addr, secret, err := testutil.GenerateSaveCoinKey(kb, nodeDirName, "", true, algo)
		if err != nil {
			return err
		}
		if err := writeKeySeed(nodeDir, nodeDirName, addr.String(), secret); err != nil {
			return err
		}

		coins := sdk.NewCoins(sdk.NewCoin(app.BondDenom, testnetAccountTokens))
		genBalances = append(genBalances, banktypes.Balance{Address: addr.String(), Coins: coins.Sort()})
		genAccounts = append(genAccounts, authtypes.NewBaseAccount(addr, nil, 0, 0))

		valAddr, err := clientCtx.TxConfig.SigningContext().ValidatorAddressCodec().BytesToString(addr)
		if err != nil {
			return err
		}
		createValMsg, err := stakingtypes.NewMsgCreateValidator(
			valAddr,
			valPubKeys[i],
			sdk.NewCoin(app.BondDenom, testnetStakingTokens),
			stakingtypes.NewDescription(nodeDirName, "", "", "", ""),
			stakingtypes.NewCommissionRates(sdkmath.LegacyNewDecWithPrec(5, 2), sdkmath.LegacyOneDec(), sdkmath.LegacyNewDecWithPrec(1, 2)),
			sdkmath.OneInt(),
		)
		if err != nil {
			return err
		}
		txBuilder := clientCtx.TxConfig.NewTxBuilder()
		if err := txBuilder.SetMsgs(createValMsg); err != nil {
			return err
		}
		txBuilder.SetMemo(p2pAddrs[i])
		txFactory := tx.Factory{}.
			WithChainID(args.chainID).
			WithMemo(p2pAddrs[i]).
			WithKeybase(kb).
			WithTxConfig(clientCtx.TxConfig)
		if err := tx.Sign(cmd.Context(), txFactory, nodeDirName, txBuilder, true); err != nil {
			return err
		}
		txBz, err := clientCtx.TxConfig.TxJSONEncoder()(txBuilder.GetTx())
		if err != nil {
			return err
		}
		if err := writeFile(fmt.Sprintf("%s.json", nodeDirName), genTxsDir, txBz); err != nil {
			return err
		}

		srvconfig.SetConfigTemplate(srvconfig.DefaultConfigTemplate)
		srvconfig.WriteConfigFile(filepath.Join(nodeDir, "config", "app.toml"), appConfig)
		// config.toml is written once the persistent peers are known.
	}

	if err := initGenFiles(clientCtx, mbm, args.chainID, genAccounts, genBalances, args); err != nil {
		return err
	}
	if err := collectGenFiles(clientCtx, nodeConfigs, nodeIDs, valPubKeys, p2pAddrs, args); err != nil {
		return err
	}

	cmd.PrintErrf("Successfully initialized %d node directories in %s\n", args.numValidators, args.outputDir)
	for i := 0; i < args.numValidators; i++ {
		ports := portsFor(args, i)
		cmd.PrintErrf("  %s%d: p2p %d, rpc %d, grpc %d, api %d\n", args.nodeDirPrefix, i, ports.p2p, ports.rpc, ports.grpc, ports.api)
	}
	return nil
}

func listenIP(args testnetArgs, ip string) string {
	if args.singleHost {
		return ip
	}
	return "0.0.0.0"
}

func initGenFiles(
	clientCtx client.Context, mbm module.BasicManager, chainID string,
	genAccounts []authtypes.GenesisAccount, genBalances []banktypes.Balance, args testnetArgs,
) error {
	appGenState := mbm.DefaultGenesis(clientCtx.Codec)

	var authGenState authtypes.GenesisState
	clientCtx.Codec.MustUnmarshalJSON(appGenState[authtypes.ModuleName], &authGenState)
	accounts, err := authtypes.PackAccounts(genAccounts)
	if err != nil {
		return err
	}
	authGenState.Accounts = accounts
	appGenState[authtypes.ModuleName] = clientCtx.Codec.MustMarshalJSON(&authGenState)

	var bankGenState banktypes.GenesisState
	clientCtx.Codec.MustUnmarshalJSON(appGenState[banktypes.ModuleName], &bankGenState)
	bankGenState.Balances = banktypes.SanitizeGenesisBalances(genBalances)
	for _, bal := range bankGenState.Balances {
		bankGenState.Supply = bankGenState.Supply.Add(bal.Coins...)
	}
	appGenState[banktypes.ModuleName] = clientCtx.Codec.MustMarshalJSON(&bankGenState)

	appGenStateJSON, err := json.MarshalIndent(appGenState, "", "  ")
	if err != nil {
		return err
	}
	appGenesis := genutiltypes.NewAppGenesisWithVersion(chainID, appGenStateJSON)
	for i := 0; i < args.numValidators; i++ {
		genFile := filepath.Join(args.outputDir, fmt.Sprintf("%s%d", args.nodeDirPrefix, i), args.nodeDaemonHome, "config", "genesis.json")
		if err := appGenesis.SaveAs(genFile); err != nil {
			return err
		}
	}
	return nil
}

func collectGenFiles(
	clientCtx client.Context, nodeConfigs []*cmtconfig.Config,
	nodeIDs []string, valPubKeys []cryptotypes.PubKey, p2pAddrs []string, args testnetArgs,
) error {
	genTime := cmttime.Now()
	genTxsDir := filepath.Join(args.outputDir, "gentxs")
	var appState json.RawMessage

	for i := 0; i < args.numValidators; i++ {
		nodeConfig := nodeConfigs[i]
		initCfg := genutiltypes.NewInitConfig(args.chainID, genTxsDir, nodeIDs[i], valPubKeys[i])
		appGenesis, err := genutiltypes.AppGenesisFromFile(nodeConfig.GenesisFile())
		if err != nil {
			return err
		}
		nodeAppState, err := genutil.GenAppStateFromConfig(clientCtx.Codec, clientCtx.TxConfig, nodeConfig, initCfg,
			appGenesis, banktypes.GenesisBalancesIterator{}, genutiltypes.DefaultMessageValidator,
			clientCtx.TxConfig.SigningContext().ValidatorAddressCodec())
		if err != nil {
			return err
		}
		if appState == nil {
			appState = nodeAppState // every node gets node0's app state
		}
		if err := genutil.ExportGenesisFileWithTime(nodeConfig.GenesisFile(), args.chainID, nil, appState, genTime); err != nil {
			return err
		}
		if err := setBlockGasLimit(nodeConfig.GenesisFile()); err != nil {
			return err
		}
	}

	// Each node's config.toml lists every other node as a persistent peer.
	for i, nodeConfig := range nodeConfigs {
		var peers []string
		for j, addr := range p2pAddrs {
			if j != i {
				peers = append(peers, addr)
			}
		}
		nodeConfig.P2P.PersistentPeers = strings.Join(peers, ",")
		cmtconfig.WriteConfigFile(filepath.Join(nodeConfig.RootDir, "config", "config.toml"), nodeConfig)
	}
	return nil
}

func writeKeySeed(dir, name, addr, mnemonic string) error {
	info := map[string]string{"name": name, "address": addr, "secret": mnemonic}
	bz, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return writeFile("key_seed.json", dir, bz)
}

func writeFile(name, dir string, contents []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), contents, 0o600)
}
