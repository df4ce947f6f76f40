package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Chain is what the operator needs from the base chain. CometChain talks
// to a node; tests use a fake.
type Chain interface {
	ChainID(ctx context.Context) (string, error)
	Height(ctx context.Context) (int64, error)
	Rollup(ctx context.Context, id string) (types.Rollup, error)
	Inbox(ctx context.Context, id string, from, limit uint64) ([]types.InboxMessage, error)
	Batch(ctx context.Context, id string, index uint64) (types.Batch, error)
	// PostedBatch is a verified batch as the block at b.Height carries it:
	// the message that posted it (its data and outbox) and the chain's full
	// record of it. The chain's state keeps only a compact record (new
	// root, DA hash, inbox_to, height; issue 17); the full record is the
	// typed event nativechain.rollups.v1.Batch the chain emitted when it
	// verified the batch, read from the transaction that succeeded.
	PostedBatch(ctx context.Context, b types.Batch) (*PostedBatch, error)
	// Submitter is the raw L1 address batches are submitted from (and
	// proven for).
	Submitter() sdk.AccAddress
	// SubmitBatch signs and broadcasts msg; it returns the tx hash once
	// the node's CheckTx accepted it.
	SubmitBatch(ctx context.Context, msg *types.MsgSubmitBatch) (string, error)
	// TxResult is the result of an included tx; found is false while the
	// tx is not in a block.
	TxResult(ctx context.Context, hash string) (res TxResult, found bool, err error)
	// ModuleAccounts are the addresses of the app's module accounts: the
	// bank may not pay them, so a withdrawal to one fails its batch.
	ModuleAccounts(ctx context.Context) ([]sdk.AccAddress, error)
	// BridgeParams are x/crossrollup's params (max_payload_bytes).
	BridgeParams(ctx context.Context) (crossrolluptypes.Params, error)
	// RollupIDs are the registered rollups.
	RollupIDs(ctx context.Context) ([]string, error)
	// Accrued is what addr's own batches withdrew to it (its L2 fees) and
	// it has not claimed: x/crossrollup keeps it in escrow (committed
	// state).
	Accrued(ctx context.Context, addr sdk.AccAddress) (sdk.Coins, error)
	// ClaimAccrued signs and broadcasts MsgClaimAccrued for Submitter (one
	// account sequence with the batches: see submitter, claim.go); it
	// returns the tx hash once the node's CheckTx accepted it.
	ClaimAccrued(ctx context.Context) (string, error)
}

// TxResult is an included transaction's outcome.
type TxResult struct {
	Height    int64
	Code      uint32
	Codespace string
	Log       string
	GasUsed   int64
	GasWanted int64
}

// CheckTxError is a refusal by the node's CheckTx.
type CheckTxError struct {
	Code      uint32
	Codespace string
	Log       string
}

func (e *CheckTxError) Error() string {
	if e.Codespace == "simulation" {
		return "refused when simulated by the node: " + e.Log
	}
	return fmt.Sprintf("refused by CheckTx (codespace %s, code %d): %s", e.Codespace, e.Code, e.Log)
}

// transient reports whether a CheckTx refusal may go away by itself
// (sequence race, full mempool, not enough gas estimated) rather than mean
// the batch is wrong.
func (e *CheckTxError) transient() bool {
	if e.Codespace != "sdk" {
		return false
	}
	switch e.Code {
	case 11, 19, 20, 32: // out of gas, tx in mempool cache, mempool full, wrong sequence
		return true
	}
	return false
}

// CometChain is Chain over a CometBFT RPC endpoint: queries through ABCI
// (the gRPC query service), transactions built with the SDK's tx factory
// and signed with the keyring.
type CometChain struct {
	clientCtx client.Context
	factory   tx.Factory
	from      sdk.AccAddress
}

// NewCometChain signs with keyName from clientCtx's keyring. gasPrices is
// e.g. "0.001unat".
func NewCometChain(clientCtx client.Context, keyName, gasPrices string, gasAdjustment float64) (*CometChain, error) {
	if clientCtx.Keyring == nil {
		return nil, errors.New("operator: no keyring (set --keyring-backend or the home's client.toml)")
	}
	rec, err := clientCtx.Keyring.Key(keyName)
	if err != nil {
		return nil, fmt.Errorf("operator: key %q: %w", keyName, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return nil, err
	}
	clientCtx = clientCtx.WithFromName(keyName).WithFromAddress(addr).WithBroadcastMode("sync").WithSkipConfirmation(true)
	if gasAdjustment <= 0 {
		gasAdjustment = 1.3
	}
	f := tx.Factory{}.
		WithTxConfig(clientCtx.TxConfig).
		WithAccountRetriever(clientCtx.AccountRetriever).
		WithKeybase(clientCtx.Keyring).
		WithFromName(keyName).
		WithGasPrices(gasPrices).
		WithGasAdjustment(gasAdjustment).
		WithSignMode(signing.SignMode_SIGN_MODE_DIRECT)
	return &CometChain{clientCtx: clientCtx, factory: f, from: addr}, nil
}

func (c *CometChain) Submitter() sdk.AccAddress { return c.from }

func (c *CometChain) ChainID(ctx context.Context) (string, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return "", err
	}
	st, err := node.Status(ctx)
	if err != nil {
		return "", err
	}
	return st.NodeInfo.Network, nil
}

func (c *CometChain) Height(ctx context.Context) (int64, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return 0, err
	}
	st, err := node.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (c *CometChain) query() types.QueryClient { return types.NewQueryClient(c.clientCtx) }

func (c *CometChain) Rollup(ctx context.Context, id string) (types.Rollup, error) {
	res, err := c.query().Rollup(ctx, &types.QueryRollupRequest{RollupId: id})
	if err != nil {
		return types.Rollup{}, err
	}
	return res.Rollup, nil
}

// ModuleAccounts asks x/auth for every module account the app declares
// (created on first use or not): the app's blocked addresses.
func (c *CometChain) ModuleAccounts(ctx context.Context) ([]sdk.AccAddress, error) {
	res, err := authtypes.NewQueryClient(c.clientCtx).ModuleAccounts(ctx, &authtypes.QueryModuleAccountsRequest{})
	if err != nil {
		return nil, err
	}
	out := make([]sdk.AccAddress, 0, len(res.Accounts))
	for _, a := range res.Accounts {
		var m authtypes.ModuleAccount
		if err := m.Unmarshal(a.Value); err != nil || m.BaseAccount == nil {
			return nil, fmt.Errorf("module accounts: %s is not a ModuleAccount", a.TypeUrl)
		}
		// Decoded whatever the prefix: no global bech32 config involved.
		_, raw, err := bech32.DecodeAndConvert(m.Address)
		if err != nil {
			return nil, fmt.Errorf("module account %s: %w", m.Name, err)
		}
		out = append(out, raw)
	}
	return out, nil
}

func (c *CometChain) BridgeParams(ctx context.Context) (crossrolluptypes.Params, error) {
	res, err := crossrolluptypes.NewQueryClient(c.clientCtx).Params(ctx, &crossrolluptypes.QueryParamsRequest{})
	if err != nil {
		return crossrolluptypes.Params{}, err
	}
	return res.Params, nil
}

func (c *CometChain) RollupIDs(ctx context.Context) ([]string, error) {
	var ids []string
	page := &query.PageRequest{Limit: 200}
	for {
		res, err := c.query().Rollups(ctx, &types.QueryRollupsRequest{Pagination: page})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Rollups {
			ids = append(ids, r.Id)
		}
		if res.Pagination == nil || len(res.Pagination.NextKey) == 0 {
			return ids, nil
		}
		page = &query.PageRequest{Key: res.Pagination.NextKey, Limit: 200}
	}
}

func (c *CometChain) Inbox(ctx context.Context, id string, from, limit uint64) ([]types.InboxMessage, error) {
	res, err := c.query().Inbox(ctx, &types.QueryInboxRequest{RollupId: id, From: from, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Messages, nil
}

func (c *CometChain) Batch(ctx context.Context, id string, index uint64) (types.Batch, error) {
	res, err := c.query().Batch(ctx, &types.QueryBatchRequest{RollupId: id, Index: index})
	if err != nil {
		return types.Batch{}, err
	}
	return res.Batch, nil
}

func (c *CometChain) PostedBatch(ctx context.Context, b types.Batch) (*PostedBatch, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return nil, err
	}
	h := b.Height
	blk, err := node.Block(ctx, &h)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", h, err)
	}
	res, err := node.BlockResults(ctx, &h)
	if err != nil {
		return nil, fmt.Errorf("results of block %d: %w (the node must keep its ABCI responses)", h, err)
	}
	p, err := postedIn(blk.Block.Txs.ToSliceOfBytes(), res.TxsResults, c.clientCtx.TxConfig.TxDecoder(), b)
	if err != nil {
		return nil, fmt.Errorf("block %d: %w", h, err)
	}
	return p, nil
}

// postedIn finds batch b among a block's transactions and their results:
// the full record is the Batch event of a transaction that succeeded (a
// failed transaction may carry the same data with another outbox or
// submitter: it verified nothing), the message the one in that transaction
// with b's rollup, index and DA hash.
func postedIn(txs [][]byte, results []*abci.ExecTxResult, decode sdk.TxDecoder, b types.Batch) (*PostedBatch, error) {
	if len(results) != len(txs) {
		return nil, fmt.Errorf("%d transactions but %d results", len(txs), len(results))
	}
	for i, raw := range txs {
		if results[i] == nil || results[i].Code != 0 {
			continue // a failed transaction verified nothing
		}
		rec, ok := batchEvent(results[i].Events, b)
		if !ok {
			continue
		}
		tx, err := decode(raw)
		if err != nil {
			return nil, fmt.Errorf("the transaction that verified batch %d does not decode: %w", b.Index, err)
		}
		if p := findPosted(tx.GetMsgs(), rec); p != nil {
			return p, nil
		}
		return nil, fmt.Errorf("the transaction that verified batch %d of %q carries no message with its DA hash", b.Index, b.RollupId)
	}
	return nil, fmt.Errorf("no successful transaction verified batch %d of %q with DA hash %x", b.Index, b.RollupId, b.DaHash)
}

// PostedBatch is a verified batch as its block carries it.
type PostedBatch struct {
	// Msg is the message that posted the batch (alone or in a bundle).
	Msg *types.MsgSubmitBatch
	// Record is the chain's full record of the batch (its typed event):
	// previous root, inbox range and accumulators, outbox hash and entry
	// count, submitter, reported L2 transaction count.
	Record types.Batch
}

// batchEvent returns the full record of batch b among a transaction's
// events: a nativechain.rollups.v1.Batch event of b's rollup, index and DA
// hash.
func batchEvent(events []abci.Event, b types.Batch) (types.Batch, bool) {
	name := proto.MessageName(&types.Batch{})
	for _, ev := range events {
		if ev.Type != name {
			continue
		}
		m, err := sdk.ParseTypedEvent(ev)
		if err != nil {
			continue
		}
		if rec, ok := m.(*types.Batch); ok && rec.RollupId == b.RollupId && rec.Index == b.Index && bytes.Equal(rec.DaHash, b.DaHash) {
			return *rec, true
		}
	}
	return types.Batch{}, false
}

// findPosted returns the message among msgs that posted the batch of
// record rec, with rec.
func findPosted(msgs []sdk.Msg, rec types.Batch) *PostedBatch {
	for _, m := range msgs {
		for _, sb := range submittedBatches(m) {
			if sb.RollupId == rec.RollupId && sb.BatchIndex == rec.Index && matchesDAHash(sb.Data, rec.DaHash) {
				return &PostedBatch{Msg: sb, Record: rec}
			}
		}
	}
	return nil
}

// submittedBatches are the batches a message carries: a MsgSubmitBatch, or
// the batches of a bundle (x/crossrollup's MsgSubmitBundle).
func submittedBatches(m sdk.Msg) []*types.MsgSubmitBatch {
	switch m := m.(type) {
	case *types.MsgSubmitBatch:
		return []*types.MsgSubmitBatch{m}
	case interface {
		GetBatches() []*types.MsgSubmitBatch
	}:
		return m.GetBatches()
	}
	return nil
}

func matchesDAHash(data, daHash []byte) bool {
	return bytes.Equal(protocol.FieldElementBytes(protocol.DAHash(data)), daHash)
}

func (c *CometChain) SubmitBatch(ctx context.Context, msg *types.MsgSubmitBatch) (string, error) {
	return c.broadcastMsgs(ctx, msg)
}

// Accrued asks x/crossrollup what addr's own batches withdrew to it and it
// has not claimed, every denom.
func (c *CometChain) Accrued(ctx context.Context, addr sdk.AccAddress) (sdk.Coins, error) {
	res, err := crossrolluptypes.NewQueryClient(c.clientCtx).Accrued(ctx, &crossrolluptypes.QueryAccruedRequest{Address: addr.String()})
	if err != nil {
		return nil, err
	}
	return res.Amount, nil
}

// ClaimAccrued signs and broadcasts MsgClaimAccrued for the submitter
// address; it returns the tx hash once the node's CheckTx accepted it.
func (c *CometChain) ClaimAccrued(ctx context.Context) (string, error) {
	return c.broadcastMsgs(ctx, &crossrolluptypes.MsgClaimAccrued{Claimant: c.from.String()})
}

// broadcastMsgs signs one transaction carrying msgs, its gas simulated on
// the node, with the account sequence of the committed state, and
// broadcasts it; it returns the tx hash once the node's CheckTx accepted
// it. A refusal is a CheckTxError.
func (c *CometChain) broadcastMsgs(ctx context.Context, msgs ...sdk.Msg) (string, error) {
	clientCtx := c.clientCtx.WithCmdContext(ctx)
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return "", err
	}
	clientCtx = clientCtx.WithChainID(chainID)
	f, err := c.factory.WithChainID(chainID).Prepare(clientCtx)
	if err != nil {
		return "", err
	}
	_, gas, err := tx.CalculateGas(clientCtx, f, msgs...)
	if err != nil {
		return "", classifySimulation(err)
	}
	f = f.WithGas(gas)
	txb, err := f.BuildUnsignedTx(msgs...)
	if err != nil {
		return "", err
	}
	if err := tx.Sign(ctx, f, clientCtx.FromName, txb, true); err != nil {
		return "", err
	}
	bz, err := clientCtx.TxConfig.TxEncoder()(txb.GetTx())
	if err != nil {
		return "", err
	}
	return c.broadcastSigned(ctx, bz)
}

// broadcastSigned broadcasts a signed transaction (sync) and returns its
// hash once the node's CheckTx accepted it; a refusal is a CheckTxError.
func (c *CometChain) broadcastSigned(ctx context.Context, txBytes []byte) (string, error) {
	res, err := c.clientCtx.WithCmdContext(ctx).BroadcastTxSync(txBytes)
	if err != nil {
		return "", err
	}
	if res.Code != 0 {
		return res.TxHash, &CheckTxError{Code: res.Code, Codespace: res.Codespace, Log: res.RawLog}
	}
	return res.TxHash, nil
}

// classifySimulation turns a failed simulation the node answered (a gRPC
// status carrying the ABCI log) into a CheckTxError: the batch was run and
// refused. Transport errors, and a sequence race, stay transient.
func classifySimulation(err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.Unavailable || st.Code() == codes.DeadlineExceeded ||
		strings.Contains(st.Message(), "account sequence mismatch") {
		return fmt.Errorf("simulate: %w", err)
	}
	return &CheckTxError{Codespace: "simulation", Log: st.Message()}
}

func (c *CometChain) TxResult(ctx context.Context, hash string) (TxResult, bool, error) {
	node, err := c.clientCtx.GetNode()
	if err != nil {
		return TxResult{}, false, err
	}
	bz, err := hexDecode(hash)
	if err != nil {
		return TxResult{}, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := node.Tx(ctx, bz, false)
	if err != nil {
		if strings.Contains(err.Error(), "not found") {
			return TxResult{}, false, nil
		}
		return TxResult{}, false, err
	}
	r := res.TxResult
	return TxResult{Height: res.Height, Code: r.Code, Codespace: r.Codespace, Log: r.Log,
		GasUsed: r.GasUsed, GasWanted: r.GasWanted}, true, nil
}
