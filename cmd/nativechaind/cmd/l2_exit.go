package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	"github.com/nativechain/nativechain/x/rollups/client/inbox"
	"github.com/nativechain/nativechain/x/rollups/types"
)

const (
	flagRecipient   = "recipient"
	flagCreditsOnly = "credits-only"
	// inboxPage is the inbox query's page size (the chain's maximum).
	inboxPage = 1000
)

// l2ExitProofCmd rebuilds a rollup's state (payments-v1 or exchange-v1
// exit layout) from the chain alone and
// writes an exit proof for one wallet key: the user path of exodus, which
// must work when every operator is gone.
func l2ExitProofCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exit-proof ROLLUP_ID KEY",
		Short: "Write an exodus proof for an L2 key, rebuilt from the chain with no operator",
		Long: `Rebuilds the rollup's state from what the chain holds: every verified batch's
posted data (read from the blocks that carry it) and the inbox messages each
batch consumed, replayed in order. Refuses unless the rebuilt root is the
rollup's state root on the chain. Then signs, with the L2 key KEY, the exit
of its account to --recipient and writes the proof file for
'nativechaind tx crossrollup exodus-withdraw ROLLUP_ID --proof-file F'.

For an exchange rollup (exit layout exchange-v1) the file also carries the
account's quote balance and shares and the pool record; the chain pays it in
both denoms.

A key with no account in the state (or with --credits-only) gets a
credits-only proof: it collects only the refunds the chain credited to its
address after the freeze. The node queried must keep the blocks of every
batch (no block pruning). See docs/user-guide.md.`,
		Example: `nativechaind l2 exit-proof payments alice --recipient native1... --out alice-exit.json --node tcp://127.0.0.1:26657`,
		Args:    cobra.ExactArgs(2),
		RunE:    runL2ExitProof,
	}
	cmd.Flags().String(flagRecipient, "", "L1 address (bech32) the exit pays")
	cmd.Flags().String(flagOut, "", "write the proof file here (default: stdout)")
	cmd.Flags().Bool(flagCreditsOnly, false, "prove no leaf: collect only the refund credits owed to the key's address")
	_ = cmd.MarkFlagRequired(flagRecipient)
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

func runL2ExitProof(cmd *cobra.Command, args []string) error {
	rollupID := args[0]
	key, err := loadL2Key(cmd, args[1])
	if err != nil {
		return err
	}
	recStr, _ := cmd.Flags().GetString(flagRecipient)
	recipient, err := sdk.AccAddressFromBech32(recStr)
	if err != nil {
		return fmt.Errorf("--recipient %q: %w", recStr, err)
	}
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	chain := &exitChainClient{clientCtx: clientCtx, q: types.NewQueryClient(clientCtx)}
	chainID, err := chain.chainID(ctx)
	if err != nil {
		return err
	}
	log := cmd.ErrOrStderr()
	creditsOnly, _ := cmd.Flags().GetBool(flagCreditsOnly)
	r, err := chain.rollup(ctx, rollupID)
	if err != nil {
		return fmt.Errorf("rollup %q: %w", rollupID, err)
	}
	var proof protocol.ExitProofFile
	if r.ExitLayout != nil && r.ExitLayout.Name == protocol.ExitLayoutExchangeV1 {
		proof, err = exchangeExitProof(ctx, chain, chainID, rollupID, key, recipient, creditsOnly, log)
	} else {
		proof, err = paymentsExitProof(ctx, chain, chainID, rollupID, key, recipient, creditsOnly, log)
	}
	if err != nil {
		return err
	}
	bz, err := json.MarshalIndent(proof, "", "  ")
	if err != nil {
		return err
	}
	bz = append(bz, '\n')
	if out, _ := cmd.Flags().GetString(flagOut); out != "" {
		if err := os.WriteFile(out, bz, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(log, "wrote %s\n", out)
		return nil
	}
	_, err = cmd.OutOrStdout().Write(bz)
	return err
}

// paymentsExitProof rebuilds a payments-v1 rollup and writes key's exit
// proof (a credits-only one without an account, or with creditsOnly).
func paymentsExitProof(ctx context.Context, chain exitChain, chainID, rollupID string, key *wallet.Key, recipient []byte, creditsOnly bool, log io.Writer) (proof protocol.ExitProofFile, err error) {
	state, rollup, err := rebuildPaymentsState(ctx, chain, rollupID, log)
	if err != nil {
		return proof, err
	}
	root, err := state.Root()
	if err != nil {
		return proof, err
	}
	if rollup.Status != types.ROLLUP_STATUS_FROZEN {
		fmt.Fprintf(log, "note: rollup %s is %s, not frozen: the chain takes exits only from a frozen rollup\n", rollupID, rollup.Status)
	}
	index, found, err := state.IndexOf(key.Private.Public)
	if err != nil {
		return proof, err
	}
	if found && !creditsOnly {
		if proof, err = payments.BuildExitProof(state, index, key.Private, chainID, rollupID, recipient); err != nil {
			return proof, err
		}
		fmt.Fprintf(log, "account %d of %s: balance %s%s, nonce %d, at state root %s\n", index, rollupID, proof.Balance, rollup.ExitLayout.Denom, proof.Nonce, proof.StateRoot)
	} else {
		if proof, err = payments.BuildCreditsExitProof(root, key.Private, chainID, rollupID, recipient); err != nil {
			return proof, err
		}
		fmt.Fprintf(log, "credits-only proof for %s on %s (no leaf): it collects only the refunds credited to this address\n", key.File.Name, rollupID)
	}
	return proof, nil
}

// exitChain is what rebuilding a rollup's state reads from the chain.
type exitChain interface {
	rollup(ctx context.Context, id string) (types.Rollup, error)
	batch(ctx context.Context, id string, index uint64) (types.Batch, error)
	// inbox returns messages from sequence from on, at most limit.
	inbox(ctx context.Context, id string, from, limit uint64) ([]types.InboxMessage, error)
	// batchData is the posted data of b, read from the block that verified it.
	batchData(ctx context.Context, b types.Batch) ([]byte, error)
}

// rebuildPaymentsState replays every verified batch of a payments-v1 rollup
// from the empty state and checks the result against the chain's records:
// each batch's roots, each consumed range's accumulator, and the final
// state root.
func rebuildPaymentsState(ctx context.Context, c exitChain, rollupID string, log io.Writer) (*payments.State, types.Rollup, error) {
	r, err := c.rollup(ctx, rollupID)
	if err != nil {
		return nil, r, fmt.Errorf("rollup %q: %w", rollupID, err)
	}
	layout := r.ExitLayout
	if layout == nil || layout.Name != protocol.ExitLayoutPaymentsV1 {
		return nil, r, fmt.Errorf("rollup %q registered no %s exit layout: this wallet cannot build its exit proofs", rollupID, protocol.ExitLayoutPaymentsV1)
	}
	p := payments.Params{Depth: int(layout.Depth), Slots: 1, Denom: layout.Denom}
	if err := p.Validate(); err != nil {
		return nil, r, fmt.Errorf("rollup %q: exit layout: %w", rollupID, err)
	}
	if !bytes.Equal(r.GenesisStateRoot, protocol.StateRootBytes(p.EmptyRoot())) {
		return nil, r, fmt.Errorf("rollup %q did not start from an empty payments state: cannot rebuild it from batches alone", rollupID)
	}
	accounts := map[uint32]*payments.Account{}
	prevRoot := r.GenesisStateRoot
	// Batch indices start at 1 (x/rollups registers a rollup with
	// next_batch_index 1).
	for i := uint64(1); i < r.NextBatchIndex; i++ {
		b, err := c.batch(ctx, rollupID, i)
		if err != nil {
			return nil, r, fmt.Errorf("batch %d: %w", i, err)
		}
		if !bytes.Equal(b.PrevStateRoot, prevRoot) {
			return nil, r, fmt.Errorf("batch %d does not start at the root the previous batch ended at", i)
		}
		data, err := c.batchData(ctx, b)
		if err != nil {
			return nil, r, err
		}
		entries, err := consumedEntries(ctx, c, rollupID, b)
		if err != nil {
			return nil, r, err
		}
		n, err := payments.Replay(accounts, data, entries)
		if err != nil {
			return nil, r, fmt.Errorf("batch %d: %w", i, err)
		}
		if n != len(entries) {
			return nil, r, fmt.Errorf("batch %d: its data consumes %d inbox messages, the chain says %d", i, n, len(entries))
		}
		prevRoot = b.NewStateRoot
		fmt.Fprintf(log, "replayed batch %d (%d bytes, %d inbox messages)\n", i, len(data), n)
	}
	state, err := payments.StateFromAccounts(dbm.NewMemDB(), p, accounts)
	if err != nil {
		return nil, r, err
	}
	root, err := state.Root()
	if err != nil {
		return nil, r, err
	}
	if got := protocol.StateRootBytes(root); !bytes.Equal(got, r.StateRoot) || !bytes.Equal(got, prevRoot) {
		return nil, r, fmt.Errorf("the rebuilt state of %q has root %x, but the chain's state root is %x: refusing to build a proof", rollupID, got, r.StateRoot)
	}
	return state, r, nil
}

// consumedEntries fetches the inbox messages batch b consumed and checks
// that they end at the accumulator the chain recorded for it.
func consumedEntries(ctx context.Context, c exitChain, rollupID string, b types.Batch) ([]protocol.InboxEntry, error) {
	msgs, err := inbox.CollectConsumed(ctx, b, inboxPage, func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error) {
		return c.inbox(ctx, rollupID, from, limit)
	})
	if err != nil {
		return nil, err
	}
	entries := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		e, err := m.Entry()
		if err != nil {
			return nil, fmt.Errorf("inbox message %d: %w", m.Sequence, err)
		}
		entries[i] = e
	}
	return entries, nil
}

// exitChainClient reads a node through its gRPC query service and the
// CometBFT RPC (blocks).
type exitChainClient struct {
	clientCtx client.Context
	q         types.QueryClient
}

func (c *exitChainClient) chainID(ctx context.Context) (string, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return "", err
	}
	st, err := node.Status(ctx)
	if err != nil {
		return "", fmt.Errorf("node status: %w", err)
	}
	return st.NodeInfo.Network, nil
}

func (c *exitChainClient) rollup(ctx context.Context, id string) (types.Rollup, error) {
	res, err := c.q.Rollup(ctx, &types.QueryRollupRequest{RollupId: id})
	if err != nil {
		return types.Rollup{}, err
	}
	return res.Rollup, nil
}

func (c *exitChainClient) batch(ctx context.Context, id string, index uint64) (types.Batch, error) {
	res, err := c.q.Batch(ctx, &types.QueryBatchRequest{RollupId: id, Index: index})
	if err != nil {
		return types.Batch{}, err
	}
	return res.Batch, nil
}

func (c *exitChainClient) inbox(ctx context.Context, id string, from, limit uint64) ([]types.InboxMessage, error) {
	res, err := c.q.Inbox(ctx, &types.QueryInboxRequest{RollupId: id, From: from, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}

// batchData finds the transaction in b's block that carried it (alone or in
// a bundle) and returns its data if it matches the DA hash the chain kept.
func (c *exitChainClient) batchData(ctx context.Context, b types.Batch) ([]byte, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return nil, err
	}
	h := b.Height
	blk, err := node.Block(ctx, &h)
	if err != nil {
		return nil, fmt.Errorf("block %d of batch %d: %w (the node must keep every block of the rollup's history)", h, b.Index, err)
	}
	decode := c.clientCtx.TxConfig.TxDecoder()
	for _, raw := range blk.Block.Txs {
		tx, err := decode(raw)
		if err != nil {
			continue // not a transaction this binary reads
		}
		for _, m := range tx.GetMsgs() {
			var carried []*types.MsgSubmitBatch
			switch m := m.(type) {
			case *types.MsgSubmitBatch:
				carried = []*types.MsgSubmitBatch{m}
			case interface {
				GetBatches() []*types.MsgSubmitBatch
			}:
				carried = m.GetBatches()
			}
			for _, sb := range carried {
				if sb.RollupId == b.RollupId && sb.BatchIndex == b.Index &&
					bytes.Equal(protocol.FieldElementBytes(protocol.DAHash(sb.Data)), b.DaHash) {
					return sb.Data, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("no transaction in block %d carries batch %d of %q with DA hash %x", h, b.Index, b.RollupId, b.DaHash)
}
