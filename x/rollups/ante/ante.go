package ante

import (
	errorsmod "cosmossdk.io/errors"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// MaxBatchBytesPerTxFactor bounds, as a mempool policy, the batch data and
// outbox bytes of all batches of one transaction (a lone batch or a
// bundle) to this many times the max_batch_data_bytes param. CheckTx work
// is metered but unpaid when it fails, so this bounds the DA hashing one
// refused transaction can cost a node (about 170 us per KiB): 256 KiB at
// the default cap, instead of a full 1 MiB transaction of batches.
const MaxBatchBytesPerTxFactor = 2

// LandingContext is a CheckTx context moved to the height the transaction
// can first land in. The check state carries the header of the last
// committed block (H-1), but a transaction admitted now is executed at H at
// the earliest, and ReCheckTx after each commit moves it on again: so a
// batch is checked under the rules (verifying key, permissionless window)
// of the block it would land in, and one that a key change makes invalid
// leaves the mempool on the recheck before that block.
func LandingContext(ctx sdk.Context) sdk.Context {
	next := ctx.BlockHeight() + 1
	info := ctx.HeaderInfo()
	info.Height = next
	return ctx.WithBlockHeight(next).WithHeaderInfo(info)
}

// BatchProofDecorator fully checks every batch of a transaction (its
// MsgSubmitBatch messages and the batches of its bundles, in message order)
// in CheckTx and ReCheckTx, where the SDK runs no message handlers, by
// applying them in order through x/rollups' Msg service on the
// transaction's ante branch of the check state. So a batch with an invalid
// proof, a stale index or a non-operator submitter never enters the
// mempool; a batch built on an earlier batch of the same transaction, or
// on one still in the mempool, is checked against the rollup record that
// batch leaves (issue 16: consecutive batches proven in parallel land in
// one block); and a batch that a block makes stale is evicted on the
// recheck after it.
//
// The SDK writes the ante branch to the check state only when the whole
// ante handler passes, so a refused transaction leaves the check state as
// it was, and the check state is reset to the committed state at every
// commit before the mempool is rechecked in order. Every batch of the
// transaction passes the cheap checks before any is hashed or verified,
// and verification gas is charged before verifying (planBatch). In
// FinalizeBlock and simulation it does nothing: the message handlers run
// the same code for real.
//
// Of what the batches write, only the stores named at construction (the
// rollup records and inboxes, the bridge's ledgers) reach the check state.
// The rest, above all x/bank's, is dropped: a withdrawal paid by a batch
// that is only in the mempool must not fund another transaction's fee in
// CheckTx, or a batch transaction built to fail in its block (a second
// message that fails) lets its recipients fill blocks with transactions
// that fail there without paying (red team 3).
type BatchProofDecorator struct {
	keeper *keeper.Keeper
	msgs   types.MsgServer
	keep   []storetypes.StoreKey
}

// NewBatchProofDecorator returns the decorator. keep names the stores
// whose writes by the applied batches stay in the check state, so a later
// batch is checked against them; x/rollups' own store must be among them
// for a batch to build on one still in the mempool.
func NewBatchProofDecorator(k *keeper.Keeper, keep ...storetypes.StoreKey) BatchProofDecorator {
	return BatchProofDecorator{keeper: k, msgs: keeper.NewMsgServerImpl(k), keep: keep}
}

// AnteHandle implements sdk.AnteDecorator.
func (d BatchProofDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !ctx.IsCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	batches := TxBatches(tx)
	if len(batches) == 0 {
		return next(ctx, tx, simulate)
	}
	landing := LandingContext(ctx)
	if err := PrecheckBatches(landing, d.keeper, batches); err != nil {
		return ctx, err
	}
	// The batches' events describe no block: drop them. Their writes go to
	// a branch, of which only the kept stores are written back.
	branch := ctx.MultiStore().CacheMultiStore()
	apply := landing.WithMultiStore(branch).WithEventManager(sdk.NewEventManager())
	for i, b := range batches {
		if _, err := d.msgs.SubmitBatch(apply, b); err != nil {
			if len(batches) == 1 {
				return ctx, err
			}
			return ctx, errorsmod.Wrapf(err, "batch %d of the transaction (%s/%d)", i, b.RollupId, b.BatchIndex)
		}
	}
	for _, key := range d.keep {
		branch.GetKVStore(key).(storetypes.CacheWrap).Write()
	}
	return next(ctx, tx, simulate)
}

// PrecheckBatches runs the cheap checks of every batch of a transaction,
// and bounds their total bytes (MaxBatchBytesPerTxFactor), before any of
// them is hashed or verified.
func PrecheckBatches(ctx sdk.Context, k *keeper.Keeper, batches []*types.MsgSubmitBatch) error {
	if len(batches) == 0 {
		return nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	limit := MaxBatchBytesPerTxFactor * params.MaxBatchDataBytes
	var total uint64
	for _, b := range batches {
		if b == nil {
			continue
		}
		total += uint64(len(b.Data) + len(b.Outbox))
	}
	if total > limit {
		return types.ErrBatchDataTooLarge.Wrapf("the transaction's batches carry %d bytes; the mempool admits at most %d per transaction", total, limit)
	}
	for i, b := range batches {
		if b == nil {
			continue
		}
		if err := k.PrecheckBatch(ctx, b); err != nil {
			return errorsmod.Wrapf(err, "batch %d of the transaction", i)
		}
	}
	return nil
}

// BatchBundle is a message that carries several batches applied in order
// (x/crossrollup's MsgSubmitBundle). x/rollups knows it only by this
// method, so the dependency stays one way.
type BatchBundle interface {
	GetBatches() []*types.MsgSubmitBatch
}

// TxBatches returns the batches of a transaction, in order, including the
// batches inside bundles.
func TxBatches(tx sdk.Tx) []*types.MsgSubmitBatch {
	var out []*types.MsgSubmitBatch
	for _, msg := range tx.GetMsgs() {
		switch m := msg.(type) {
		case *types.MsgSubmitBatch:
			out = append(out, m)
		case BatchBundle:
			for _, b := range m.GetBatches() {
				if b != nil {
					out = append(out, b)
				}
			}
		}
	}
	return out
}
