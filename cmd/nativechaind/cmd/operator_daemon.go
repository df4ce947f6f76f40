package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/prover/setup"
	"github.com/nativechain/nativechain/prover/wallet"
	"github.com/nativechain/nativechain/x/rollups/types"
)

const (
	flagOperatorHome = "operator-home"
	flagKey          = "key"
	flagAPI          = "api-listen"
	flagBatchTimeout = "batch-timeout"
	flagGasPrices    = "gas-prices"
	flagBond         = "bond"
	flagDiscard      = "discard-unverified"
	flagOperatorURL  = "operator"
	flagJSON         = "json"
)

// operatorDaemonCmds are the operator's run-time commands, added to
// OperatorCmd.
func operatorDaemonCmds() []*cobra.Command {
	cmds := []*cobra.Command{operatorInitCmd(), operatorRegisterCmd(), operatorStartCmd(), operatorStatusCmd(), operatorProverCmd()}
	for _, c := range cmds {
		silenceUsage(c)
	}
	return cmds
}

func defaultOperatorHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".nativechain-operator"
	}
	return filepath.Join(home, ".nativechain", "operator")
}

func addOperatorHomeFlag(cmd *cobra.Command) {
	cmd.Flags().String(flagOperatorHome, defaultOperatorHome(), "the operator's directory (operator.json, data/)")
}

func operatorHome(cmd *cobra.Command) string {
	h, _ := cmd.Flags().GetString(flagOperatorHome)
	return h
}

const (
	flagSyncLead   = "sync-lead"
	flagSyncPeer   = "sync-peer"
	flagSyncRounds = "sync-round-blocks"
)

// syncConfigFromFlags is operator.json's "sync" section from init's
// --sync-lead and --sync-peer flags (nil when neither is given).
func syncConfigFromFlags(cmd *cobra.Command, self string) (*operator.SyncConfig, error) {
	lead, _ := cmd.Flags().GetBool(flagSyncLead)
	peers, _ := cmd.Flags().GetStringArray(flagSyncPeer)
	if !lead && len(peers) == 0 {
		return nil, nil
	}
	sc := &operator.SyncConfig{Lead: lead, Peers: map[string]operator.SyncPeerConfig{}}
	sc.RoundBlocks, _ = cmd.Flags().GetInt64(flagSyncRounds)
	for _, p := range peers {
		id, rest, ok := strings.Cut(p, "=")
		url, flags, _ := strings.Cut(rest, ",")
		if !ok || id == "" || id == self || url == "" || (flags != "" && flags != "leads") {
			return nil, fmt.Errorf("--%s %q: want ROLLUP_ID=OPERATOR_URL[,leads] naming another rollup", flagSyncPeer, p)
		}
		sc.Peers[id] = operator.SyncPeerConfig{URL: strings.TrimSuffix(url, "/"), Leads: flags == "leads"}
	}
	return sc, nil
}

func operatorInitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init ROLLUP_ID",
		Short: "Write an operator configuration (operator.json) for a rollup of a registered kind (payments, exchange)",
		Long: `Writes <operator-home>/operator.json: the rollup id, the L1 key that registers
the rollup and submits its batches, the circuit parameters, the API address
and the batching policy. Edit the file to change them later.

Next steps: 'operator setup' (keys), 'operator register' (on the chain),
'operator start'. With --dev-keys, init makes the keys itself when the
cache lacks them (an UNSAFE development setup, as 'operator setup'): a
devnet rollup is then three commands, init, register, start
(scripts/launch_rollup.sh).`,
		Example: `nativechaind operator init payments --key alice --param depth=8 --param slots=4 --operator-home ./op
nativechaind operator init dex --kind exchange --key erin --param depth=8 --param slots=4 --dev-keys --operator-home ./dex`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			home := operatorHome(cmd)
			if _, err := os.Stat(filepath.Join(home, operator.ConfigFile)); err == nil {
				if force, _ := cmd.Flags().GetBool(flagForce); !force {
					return fmt.Errorf("%s already exists (--force to overwrite)", filepath.Join(home, operator.ConfigFile))
				}
			}
			if err := types.ValidateRollupName(args[0]); err != nil {
				return err
			}
			key, _ := cmd.Flags().GetString(flagKey)
			kind, _ := cmd.Flags().GetString(flagKind)
			c, err := operator.DefaultConfigFor(kind, args[0], key)
			if err != nil {
				return err
			}
			kvs, _ := cmd.Flags().GetStringArray(flagParam)
			given, err := circuits.ParseParams(kvs)
			if err != nil {
				return err
			}
			for k, v := range given {
				c.Params[k] = v
			}
			if _, err := c.Rollup(); err != nil {
				return err
			}
			c.KeysDir, _ = cmd.Flags().GetString(flagKeysDir)
			c.APIListen, _ = cmd.Flags().GetString(flagAPI)
			c.BatchTimeout, _ = cmd.Flags().GetString(flagBatchTimeout)
			c.GasPrices, _ = cmd.Flags().GetString(flagGasPrices)
			c.QueueURL, _ = cmd.Flags().GetString(flagQueue)
			c.QueueListen, _ = cmd.Flags().GetString(flagQueueListen)
			if _, _, err := c.Durations(); err != nil {
				return err
			}
			if c.Sync, err = syncConfigFromFlags(cmd, c.RollupID); err != nil {
				return err
			}
			if err := c.Save(home); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "wrote %s\n", filepath.Join(home, operator.ConfigFile))
			fmt.Fprintf(out, "rollup %s, kind %s, circuit %s(%s), submitter key %q, API http://%s\n", c.RollupID, c.KindName(), c.Circuit, paramsArgs(c, ","), c.Key, c.APIListen)
			devKeys, _ := cmd.Flags().GetBool(flagDevKeys)
			if devKeys {
				if err := operatorDevKeys(c, cmd.ErrOrStderr(), out); err != nil {
					return err
				}
			}
			fmt.Fprintf(out, "\nnext:\n")
			if !devKeys {
				fmt.Fprintf(out, "  nativechaind operator setup --circuit %s %s%s\n", c.Circuit, paramsArgs(c, " "), keysDirArg(c))
			}
			fmt.Fprintf(out, "  nativechaind operator register --operator-home %s --bond 10000000unat\n", home)
			fmt.Fprintf(out, "  nativechaind operator start --operator-home %s\n", home)
			return nil
		},
	}
	addOperatorHomeFlag(cmd)
	cmd.Flags().String(flagKey, "", "L1 keyring key that registers the rollup and submits batches")
	cmd.Flags().Bool(flagSyncLead, false, "lead synchronous-call rounds for this rollup (an exchange; docs/spec/sync-calls.md)")
	cmd.Flags().Int64(flagSyncRounds, 0, "sync.round_blocks: a round's life in blocks (0: the default, 10, for 6 s blocks; a devnet with 1 s blocks wants about 40)")
	cmd.Flags().StringArray(flagSyncPeer, nil, "a rollup this one composes with in synchronous calls: ROLLUP_ID=OPERATOR_URL, with ',leads' when its operator leads rounds (repeatable)")
	cmd.Flags().String(flagKind, operator.DefaultKind, "rollup kind: "+strings.Join(rollupkit.Names(), ", "))
	cmd.Flags().StringArray(flagParam, nil, "circuit parameter key=value of the kind's circuit (payments: depth, slots, denom; exchange: depth, slots, base, quote, fee_bps, call_slots; repeatable)")
	cmd.Flags().String(flagKeysDir, "", keysDirUsage)
	cmd.Flags().String(flagAPI, "127.0.0.1:8480", "listen address of the L2 transaction API")
	cmd.Flags().String(flagBatchTimeout, "2s", "close a batch that is not full after this long")
	cmd.Flags().String(flagGasPrices, "0.001unat", "gas price of batch submissions")
	cmd.Flags().Bool(flagForce, false, "overwrite an existing operator.json")
	cmd.Flags().Bool(flagDevKeys, false, "make UNSAFE development keys for the circuit if the key cache lacks them (devnets and tests only)")
	cmd.Flags().String(flagQueue, "", "queue_url: NATS server of an external prover fleet, nats://HOST:PORT (default: an embedded server)")
	cmd.Flags().String(flagQueueListen, "", "queue_listen: the embedded queue's address (default "+operator.DefaultQueueListen+", or a free port when taken; port 0: always a free port)")
	_ = cmd.MarkFlagRequired(flagKey)
	return cmd
}

// paramsArgs are c's params in its circuit's order (depth, slots, denom
// for payments; depth, slots, base, quote, fee_bps, call_slots for the
// exchange).
func paramsArgs(c operator.Config, sep string) string {
	names := []string{"depth", "slots", "denom"}
	if d, err := circuits.Lookup(c.Circuit); err == nil {
		names = names[:0]
		for _, p := range d.Params {
			names = append(names, p.Name)
		}
	}
	var parts []string
	for _, k := range names {
		if v, ok := c.Params[k]; ok {
			if sep == " " {
				parts = append(parts, "--param "+k+"="+v)
			} else {
				parts = append(parts, k+"="+v)
			}
		}
	}
	return strings.Join(parts, sep)
}

// operatorCircuit is the configured kind's circuit, for keys and messages.
func operatorCircuit(c operator.Config) (string, error) {
	r, err := c.Rollup()
	if err != nil {
		return "", err
	}
	return r.Kind().Circuit(), nil
}

// loadOperatorKeys compiles the circuit and loads its key set from the
// cache 'operator setup' (or a ceremony) filled.
func loadOperatorKeys(c operator.Config, log io.Writer) (*rollupkit.Prover, *setup.Keys, error) {
	quietGnark()
	circuit, err := operatorCircuit(c)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(log, "compiling %s(%s)...\n", circuit, paramsArgs(c, ","))
	start := time.Now()
	compiled, err := circuits.Compile(circuit, circuits.Params(c.Params))
	if err != nil {
		return nil, nil, err
	}
	root := c.KeysDir
	if root == "" {
		if root, err = setup.DefaultKeysRoot(); err != nil {
			return nil, nil, err
		}
	}
	keys, err := setup.LoadKeys(setup.KeyDir(root, compiled.Hash), compiled.Hash)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n(make them with: nativechaind operator setup --circuit %s %s%s)", err, circuit, paramsArgs(c, " "), keysDirArg(c))
	}
	fmt.Fprintf(log, "circuit %s: %d constraints, keys %s (loaded in %.1fs)\n", compiled, compiled.CS.GetNbConstraints(),
		keys.Dir, time.Since(start).Seconds())
	if keys.Manifest.UnsafeDevSetup {
		fmt.Fprintf(log, "WARNING: these keys come from an UNSAFE development setup: for devnets and tests only\n")
	}
	return &rollupkit.Prover{CS: compiled.CS, PK: keys.PK, VK: keys.VK}, keys, nil
}

// operatorVerifyingKey checks the cached key set of the configured circuit
// (without decoding the proving key) and returns vk.bin.
func operatorVerifyingKey(c operator.Config, log io.Writer) ([]byte, error) {
	dir, m, err := checkedOperatorKeys(c, log)
	if err != nil {
		return nil, err
	}
	if m.UnsafeDevSetup {
		fmt.Fprintf(log, "WARNING: registering keys from an UNSAFE development setup: for devnets and tests only\n")
	}
	return os.ReadFile(filepath.Join(dir, setup.VerifyingKeyFile))
}

// checkedOperatorKeys compiles the configured circuit and checks its
// cached key set without decoding the proving key.
func checkedOperatorKeys(c operator.Config, log io.Writer) (string, *setup.Manifest, error) {
	quietGnark()
	circuit, err := operatorCircuit(c)
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(log, "compiling %s(%s)...\n", circuit, paramsArgs(c, ","))
	compiled, err := circuits.Compile(circuit, circuits.Params(c.Params))
	if err != nil {
		return "", nil, err
	}
	root := c.KeysDir
	if root == "" {
		if root, err = setup.DefaultKeysRoot(); err != nil {
			return "", nil, err
		}
	}
	dir := setup.KeyDir(root, compiled.Hash)
	m, err := setup.CheckKeys(dir, compiled.Hash)
	if err != nil {
		return "", nil, fmt.Errorf("%w\n(make them with: nativechaind operator setup --circuit %s %s%s)", err, circuit, paramsArgs(c, " "), keysDirArg(c))
	}
	return dir, m, nil
}

// flagDevKeys: operator init also makes development keys.
const flagDevKeys = "dev-keys"

// operatorDevKeys makes (or reuses) UNSAFE development keys for c's
// circuit in its key cache, as 'operator setup' does.
func operatorDevKeys(c operator.Config, log, out io.Writer) error {
	quietGnark()
	circuit, err := operatorCircuit(c)
	if err != nil {
		return err
	}
	compiled, err := circuits.Compile(circuit, circuits.Params(c.Params))
	if err != nil {
		return err
	}
	root := c.KeysDir
	if root == "" {
		if root, err = setup.DefaultKeysRoot(); err != nil {
			return err
		}
	}
	res, err := setup.DevSetup(compiled, setup.DevSetupOptions{KeysRoot: root, Log: log, Interactive: setup.IsTerminal(log)})
	if err != nil {
		return err
	}
	if res.Reused {
		fmt.Fprintf(out, "reusing cached keys (no setup run)\n")
	}
	printKeySet(out, compiled, res)
	return nil
}

func keysDirArg(c operator.Config) string {
	if c.KeysDir == "" {
		return ""
	}
	return " --keys-dir " + c.KeysDir
}

func operatorRegisterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register the configured rollup on the chain (verifying key, empty genesis root, this key as operator)",
		Long: `Sends MsgRegisterRollup for <operator-home>/operator.json: the verifying key
from the key cache, the root of an empty state of the configured kind and
params as genesis root, the configured key as admin and only operator, and
the kind's exit layout (payments: payments-v1, depth and denom) that lets
users exit if the rollup is frozen. The bond is escrowed while the rollup
exists.`,
		Example: `nativechaind operator register --operator-home ./op --bond 10000000unat --home .devnet --yes`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := operator.LoadConfig(operatorHome(cmd))
			if err != nil {
				return err
			}
			if from, _ := cmd.Flags().GetString(flags.FlagFrom); from == "" {
				if err := cmd.Flags().Set(flags.FlagFrom, c.Key); err != nil {
					return err
				}
			}
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			kind, err := c.Rollup()
			if err != nil {
				return err
			}
			vk, err := operatorVerifyingKey(c, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			bondStr, _ := cmd.Flags().GetString(flagBond)
			bond, err := sdk.ParseCoinNormalized(bondStr)
			if err != nil {
				return fmt.Errorf("--bond %q: %w", bondStr, err)
			}
			msg := registerRollupMsg(c.RollupID, kind, vk, clientCtx.GetFromAddress().String(), bond)
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	addOperatorHomeFlag(cmd)
	cmd.Flags().String(flagBond, "10000000unat", "operator bond to escrow (at least the chain's min_operator_bond)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// registerRollupMsg is what `operator register` broadcasts for kind:
// from as admin and only operator, the kind's empty root and largest batch
// data, and its exit layout (exodus: users exit a frozen rollup with
// proofs of that layout; exchange-v1 names both denoms).
func registerRollupMsg(rollupID string, kind rollupkit.Rollup, vk []byte, from string, bond sdk.Coin) *types.MsgRegisterRollup {
	msg := &types.MsgRegisterRollup{
		Admin: from, RollupId: rollupID, VerifyingKey: vk,
		GenesisStateRoot: protocol.StateRootBytes(kind.EmptyRoot()), Operators: []string{from}, Bond: bond,
		MaxBatchDataBytes: uint64(kind.Summary().MaxDataBytes),
	}
	if l, ok := kind.ExitLayout(); ok {
		msg.ExitLayout = &types.ExitLayout{Name: l.Name, Depth: l.Depth, Denom: l.Denom, QuoteDenom: l.QuoteDenom}
	}
	return msg
}

func operatorStartCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the sequencer, prover and submitter with the L2 transaction API",
		Long: `Runs until interrupted (Ctrl-C or SIGTERM). State lives in
<operator-home>/data: the rollup state at the last verified batch, the
mempool, and every unverified batch with its inputs and proof. Killing the
process at any point loses nothing: at the next start the operator reads
the chain's next_batch_index, commits what the chain verified, resubmits
an in-flight batch only if the chain does not hold its index, and keeps
every accepted transaction. See docs/operator-guide.md and
docs/operator-api.md.

Proving goes through a NATS JetStream work queue: by default an embedded
server (files in <operator-home>/queue, listening on queue_listen) and one
prover worker in this process. More workers join with 'operator prover
--queue nats://HOST:PORT' on any machine; --queue (queue_url) uses an
external NATS server instead, with no worker in this process unless
--workers says so. See docs/operator-guide.md, "Prover fleet".`,
		Example: `nativechaind operator start --operator-home ./op --home .devnet`,
		Args:    cobra.NoArgs,
		RunE:    runOperatorStart,
	}
	addOperatorHomeFlag(cmd)
	cmd.Flags().String(flagAPI, "", "override the API listen address of operator.json")
	cmd.Flags().Bool(flagDiscard, false, "drop the batches the chain has not verified and rebuild them (after a halt)")
	cmd.Flags().String(flags.FlagKeyringBackend, "", "keyring backend (default: client.toml)")
	cmd.Flags().String(flags.FlagNode, "", "CometBFT RPC of a node (default: client.toml)")
	addFleetFlags(cmd)
	return cmd
}

func runOperatorStart(cmd *cobra.Command, _ []string) error {
	home := operatorHome(cmd)
	c, err := operator.LoadConfig(home)
	if err != nil {
		return err
	}
	if api, _ := cmd.Flags().GetString(flagAPI); api != "" {
		c.APIListen = api
	}
	applyFleetFlags(cmd, &c)
	if m := c.ProverMode(); m != operator.ProverFleet && m != operator.ProverInline {
		return fmt.Errorf("--prover %q: want %q or %q", m, operator.ProverFleet, operator.ProverInline)
	}
	if c.Workers != nil && *c.Workers < 0 {
		return fmt.Errorf("--workers %d: want 0 or more", *c.Workers)
	}
	batchTimeout, poll, err := c.Durations()
	if err != nil {
		return err
	}
	kind, err := c.Rollup()
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return err
	}
	chain, err := operator.NewCometChain(clientCtx, c.Key, c.GasPrices, c.GasAdjustment)
	if err != nil {
		return err
	}
	db, err := dbm.NewGoLevelDB("operator", filepath.Join(home, "data"), nil)
	if err != nil {
		return fmt.Errorf("open %s (is another operator running on this home?): %w", filepath.Join(home, "data"), err)
	}
	defer db.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	discard, _ := cmd.Flags().GetBool(flagDiscard)
	minFee, err := c.MinFeeAmount()
	if err != nil {
		return err
	}
	claimMin, err := c.ClaimAccruedMinAmount()
	if err != nil {
		return err
	}
	fault := os.Getenv("NATIVECHAIN_SYNC_FAULT")
	syncOpts, err := c.SyncOptions(fault)
	if err != nil {
		return err
	}
	if fault != "" {
		logger.Warn("NATIVECHAIN_SYNC_FAULT is set: this operator misbehaves in synchronous-call rounds on purpose (tests only)", "fault", fault)
	}
	prover, err := startOperatorProver(ctx, c, home, stderr, logger)
	if err != nil {
		return err
	}
	defer prover.Close()
	op, err := operator.Open(ctx, db, chain, prover.Prover, operator.Options{
		RollupID: c.RollupID, Rollup: kind, BatchTimeout: batchTimeout, MaxInFlight: c.MaxInFlight,
		MinFee: minFee, MaxPendingPerAccount: c.MaxPendingPerAccount, MaxMempool: c.MaxMempool,
		PollInterval: poll, Standby: c.Standby, TakeoverAfterBlocks: c.TakeoverAfterBlocks, ClaimAccruedMin: claimMin, Sync: syncOpts, Logger: logger,
	}, discard)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.APIListen)
	if err != nil {
		return fmt.Errorf("API address %s: %w", c.APIListen, err)
	}
	srv := operator.NewAPIServer(op.Handler(), operator.DefaultAPITimeouts)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("API server", "err", err)
			stop()
		}
	}()
	st := op.Status()
	logger.Info("operator running", "rollup", c.RollupID, "chain", st.ChainID, "api", "http://"+ln.Addr().String(),
		"submitter", chain.Submitter().String(), "role", st.Role, "last_verified", st.LastVerified, "mempool", st.MempoolPending)
	err = op.Run(ctx)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	logger.Info("operator stopped")
	return err
}

func operatorStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show a running operator's pipeline, chain position and health",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			url, _ := cmd.Flags().GetString(flagOperatorURL)
			if url == "" {
				c, err := operator.LoadConfig(operatorHome(cmd))
				if err != nil {
					return fmt.Errorf("%w (or pass --operator URL)", err)
				}
				url = "http://" + c.APIListen
			}
			cl := wallet.NewClient(url)
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			st, err := cl.Status(ctx)
			if err != nil {
				return err
			}
			if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
				return printJSON(cmd.OutOrStdout(), st)
			}
			printOperatorStatus(cmd.OutOrStdout(), url, st)
			return nil
		},
	}
	addOperatorHomeFlag(cmd)
	cmd.Flags().String(flagOperatorURL, "", "operator API URL (default: from operator.json)")
	cmd.Flags().Bool(flagJSON, false, "print the raw status JSON")
	return cmd
}

func printOperatorStatus(w io.Writer, url string, st operator.Status) {
	health := "ok"
	if st.Halted != "" {
		health = "HALTED: " + st.Halted
	} else if st.ChainError != "" {
		health = "chain unreachable: " + st.ChainError
	}
	fmt.Fprintf(w, "operator      %s\n", url)
	fmt.Fprintf(w, "health        %s\n", health)
	fmt.Fprintf(w, "rollup        %s on %s (payments depth=%d slots=%d, denom %s)\n", st.RollupID, st.ChainID, st.Depth, st.Slots, st.Denom)
	if st.Role != "" {
		fmt.Fprintf(w, "role          %s (%d batch(es) of other operators followed, %d race(s) lost)\n", st.Role, st.BatchesFollowed, st.RacesLost)
	}
	fmt.Fprintf(w, "chain         height %d, next batch %d, %d inbox message(s) unconsumed, %d block(s) since the last batch\n",
		st.ChainHeight, st.ChainNextBatch, st.InboxPending, st.LagBlocks)
	fmt.Fprintf(w, "batches       verified %d | submitted %d | proven %d | built %d\n", st.LastVerified, st.LastSubmitted, st.LastProven, st.LastBuilt)
	fmt.Fprintf(w, "since start   %d proven, %d verified, last proof %.2fs\n", st.BatchesProven, st.BatchesVerified, float64(st.LastProveMillis)/1000)
	printProvingStatus(w, st.Proving, time.Now())
	fmt.Fprintf(w, "mempool       %d pending, %d in unverified batches\n", st.MempoolPending, st.InFlightTxs)
	if st.MinFee != "" {
		fmt.Fprintf(w, "min fee       %s%s per transaction\n", st.MinFee, st.Denom)
	}
	if st.Accrued != "" || st.ClaimAccruedMin != "" {
		fmt.Fprintf(w, "fees accrued  %s\n", accruedLine(st))
	}
	fmt.Fprintf(w, "state root    %s (verified)\n", st.StateRoot)
	fmt.Fprintf(w, "head root     %s\n", st.HeadRoot)
	fmt.Fprintf(w, "metrics       %s/metrics\n", url)
}

// accruedLine is the fees accrued to the submitter address and when the
// daemon claims them.
func accruedLine(st operator.Status) string {
	accrued := st.Accrued
	if st.ClaimAccruedMin == "" || st.ClaimAccruedMin == "0" {
		if accrued == "" {
			accrued = "not asked"
		}
		return accrued + " (auto-claim off: nativechaind tx crossrollup claim-accrued)"
	}
	if accrued == "" {
		accrued = "not asked yet"
	}
	return fmt.Sprintf("%s (claimed automatically once a denom reaches %s)", accrued, st.ClaimAccruedMin)
}

// printProvingStatus prints the prover, its queue and workers, and the
// progress of each batch being proven.
func printProvingStatus(w io.Writer, p operator.ProvingStatus, now time.Time) {
	if p.Prover == "" {
		return
	}
	line := fmt.Sprintf("prover        %s: %d batch(es) in flight, %.2f transfers/s proven", p.Prover, len(p.InFlight), p.TransfersPerSecond)
	if strings.HasPrefix(p.Prover, "fleet") {
		depth := "?"
		if p.QueueDepth >= 0 {
			depth = strconv.FormatInt(p.QueueDepth, 10)
		}
		line += fmt.Sprintf(", queue %s job(s), %d redelivered, %d refused", depth, p.Redeliveries, p.BadProofs)
	}
	fmt.Fprintln(w, line)
	if p.KeyHash != "" {
		fmt.Fprintf(w, "  key hash    %s\n", p.KeyHash)
	}
	for _, wk := range p.Workers {
		rate := ""
		if wk.MeanSeconds > 0 {
			rate = fmt.Sprintf(", %.2fs/proof (%.3f proofs/s)", wk.MeanSeconds, 1/wk.MeanSeconds)
		}
		busy := "idle"
		if wk.Busy != "" {
			busy = "proving " + wk.Busy
		}
		fmt.Fprintf(w, "  worker      %s: %d proof(s)%s, %s\n", wk.Name, wk.ProofsDone, rate, busy)
	}
	for _, j := range p.InFlight {
		where := "waiting for a worker"
		if j.Worker != "" {
			where = fmt.Sprintf("on %s for %s", j.Worker, now.Sub(time.UnixMilli(j.WorkerStartedAt)).Round(100*time.Millisecond))
			if j.Delivered > 1 {
				where += fmt.Sprintf(" (delivery %d)", j.Delivered)
			}
		}
		if j.Attempt > 0 {
			where += fmt.Sprintf(", attempt %d", j.Attempt+1)
		}
		fmt.Fprintf(w, "  proving     batch %d: started %s ago, %s\n", j.Index, (time.Duration(j.ElapsedMillis) * time.Millisecond).Round(100*time.Millisecond), where)
	}
}
