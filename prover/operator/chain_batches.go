package operator

import (
	"context"
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

var _ batchesSubmitter = (*CometChain)(nil)

// SubmitBatches signs and broadcasts one transaction carrying msgs, which
// the chain applies in order, all or nothing. Its gas is simulated on the
// node with all of them, so each later batch is run on the state the
// earlier ones leave; it returns the tx hash once the node's CheckTx
// accepted it.
func (c *CometChain) SubmitBatches(ctx context.Context, msgs []*types.MsgSubmitBatch) (string, error) {
	if len(msgs) == 0 {
		return "", errors.New("operator: no batches to submit")
	}
	sdkMsgs := make([]sdk.Msg, len(msgs))
	for i, m := range msgs {
		sdkMsgs[i] = m
	}
	return c.broadcastMsgs(ctx, sdkMsgs...)
}
