package operator

import (
	"context"
	"errors"

	"github.com/cosmos/cosmos-sdk/client/tx"
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
	sdkMsgs := make([]sdk.Msg, len(msgs))
	for i, m := range msgs {
		sdkMsgs[i] = m
	}
	_, gas, err := tx.CalculateGas(clientCtx, f, sdkMsgs...)
	if err != nil {
		return "", classifySimulation(err)
	}
	f = f.WithGas(gas)
	txb, err := f.BuildUnsignedTx(sdkMsgs...)
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
	res, err := clientCtx.BroadcastTxSync(bz)
	if err != nil {
		return "", err
	}
	if res.Code != 0 {
		return res.TxHash, &CheckTxError{Code: res.Code, Codespace: res.Codespace, Log: res.RawLog}
	}
	return res.TxHash, nil
}
