package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rolluptypes "github.com/nativechain/nativechain/x/rollups/types"
)

// cometSwapChain reads what 'l2 swap' needs from a node (client.toml or
// --node) and, for a quote, the exchange operator's account view.
type cometSwapChain struct {
	cmd      *cobra.Command
	exchange *wallet.Client // nil: no --exchange-operator
	me       payments.PublicKey
}

func (c *cometSwapChain) clientCtx() (client.Context, error) {
	cctx, err := client.GetClientQueryContext(c.cmd)
	if err != nil {
		return cctx, err
	}
	if cctx.Client == nil {
		return cctx, errors.New("no node to read the chain from: pass --node")
	}
	return cctx, nil
}

func (c *cometSwapChain) Rollup(ctx context.Context, id string) (rolluptypes.Rollup, error) {
	cctx, err := c.clientCtx()
	if err != nil {
		return rolluptypes.Rollup{}, err
	}
	res, err := rolluptypes.NewQueryClient(cctx).Rollup(ctx, &rolluptypes.QueryRollupRequest{RollupId: id})
	if err != nil {
		return rolluptypes.Rollup{}, err
	}
	return res.Rollup, nil
}

func (c *cometSwapChain) Batch(ctx context.Context, id string, index uint64) (rolluptypes.Batch, error) {
	cctx, err := c.clientCtx()
	if err != nil {
		return rolluptypes.Batch{}, err
	}
	res, err := rolluptypes.NewQueryClient(cctx).Batch(ctx, &rolluptypes.QueryBatchRequest{RollupId: id, Index: index})
	if err != nil {
		return rolluptypes.Batch{}, err
	}
	return res.Batch, nil
}

func (c *cometSwapChain) MessageStatus(ctx context.Context, id string, seq uint64) (rolluptypes.InboxMessage, bool, error) {
	cctx, err := c.clientCtx()
	if err != nil {
		return rolluptypes.InboxMessage{}, false, err
	}
	res, err := crtypes.NewQueryClient(cctx).MessageStatus(ctx, &crtypes.QueryMessageStatusRequest{RollupId: id, Sequence: seq})
	if err != nil {
		return rolluptypes.InboxMessage{}, false, err
	}
	return res.Message, res.Consumed, nil
}

// BatchEvents reads the block at b.Height and keeps the bridge's events
// of successful transactions whose source is b (a bundle carries several
// batches in one transaction: each event names its source batch).
func (c *cometSwapChain) BatchEvents(ctx context.Context, b rolluptypes.Batch) (swapBatchEvents, error) {
	var ev swapBatchEvents
	cctx, err := c.clientCtx()
	if err != nil {
		return ev, err
	}
	node, err := cctx.GetNode()
	if err != nil {
		return ev, err
	}
	h := b.Height
	res, err := node.BlockResults(ctx, &h)
	if err != nil {
		return ev, fmt.Errorf("results of block %d: %w (the node must keep its ABCI responses)", h, err)
	}
	for _, tx := range res.TxsResults {
		if tx == nil || tx.Code != 0 {
			continue // a failed transaction verified nothing
		}
		for _, e := range tx.Events {
			if !strings.HasPrefix(e.Type, "nativechain.crossrollup.") {
				continue
			}
			m, err := sdk.ParseTypedEvent(e)
			if err != nil {
				continue
			}
			switch x := m.(type) {
			case *crtypes.EventMessageRouted:
				if x.SourceRollupId == b.RollupId && x.SourceBatchIndex == b.Index {
					ev.Routed = append(ev.Routed, *x)
				}
			case *crtypes.EventMessageBounced:
				if x.SourceRollupId == b.RollupId && x.SourceBatchIndex == b.Index {
					ev.Bounced = append(ev.Bounced, *x)
				}
			case *crtypes.EventWithdrawal:
				if x.RollupId == b.RollupId && x.BatchIndex == b.Index {
					ev.Withdrawals = append(ev.Withdrawals, *x)
				}
			case *crtypes.EventWithdrawalDeferred:
				if x.RollupId == b.RollupId && x.BatchIndex == b.Index {
					ev.Deferred = append(ev.Deferred, *x)
				}
			}
		}
	}
	return ev, nil
}

// VerifiedPool is the exchange's pool at its last verified batch, from the
// exchange operator's view of the sender's account, checked against the
// rollup's state root on the chain (checkedExchangePool, R7-1).
func (c *cometSwapChain) VerifiedPool(ctx context.Context, dom wallet.ExchangeDomain) (*wallet.ExchangePool, error) {
	if c.exchange == nil {
		return nil, fmt.Errorf("pass --%s (the exchange operator's URL, to quote) or --%s", flagExOperator, flagMinOut)
	}
	a, err := c.exchange.ExchangeAccount(ctx, c.me)
	var ae *operator.APIError
	if errors.As(err, &ae) && ae.Code == operator.CodeUnknownAccount {
		return nil, fmt.Errorf("the exchange operator reports the pool with an account and you have none on %s yet: pass --%s", dom.RollupID, flagMinOut)
	}
	if err != nil {
		return nil, err
	}
	return checkedExchangePool(ctx, c.cmd, c.exchange, c.me, dom, &a)
}

// httpSwapOperator reads GET /v1/tx/{id} with the optional sync object.
type httpSwapOperator struct{ cl *wallet.Client }

func (o httpSwapOperator) TxStatus(ctx context.Context, id string) (swapTxStatus, error) {
	var s swapTxStatus
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.cl.BaseURL+"/v1/tx/"+id, nil)
	if err != nil {
		return s, err
	}
	res, err := o.cl.HTTP.Do(req)
	if err != nil {
		return s, fmt.Errorf("%w at %s: %v", wallet.ErrUnreachable, o.cl.BaseURL, err)
	}
	defer res.Body.Close()
	bz, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return s, err
	}
	if res.StatusCode >= 300 {
		var e struct {
			Error *operator.APIError `json:"error"`
		}
		if json.Unmarshal(bz, &e) == nil && e.Error != nil {
			return s, e.Error
		}
		return s, fmt.Errorf("operator answered %s: %s", res.Status, strings.TrimSpace(string(bz)))
	}
	return s, json.Unmarshal(bz, &s)
}
