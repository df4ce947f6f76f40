package proof

import (
	"context"
	"fmt"

	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	"github.com/cometbft/cometbft/proto/tendermint/crypto"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
)

// Node is the part of a CometBFT RPC client the queries use; the SDK's
// client.CometRPC and cometbft's rpc/client/http.HTTP both satisfy it.
type Node interface {
	ABCIQueryWithOptions(ctx context.Context, path string, data cmtbytes.HexBytes,
		opts rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error)
	Status(ctx context.Context) (*coretypes.ResultStatus, error)
}

// Result is what a node answered to a proven store query. Nothing in it is
// trusted until Verify accepts it against a trusted app hash.
type Result struct {
	StoreName string
	Key       []byte
	Value     []byte // empty: the node claims the key is absent
	ProofOps  *crypto.ProofOps
	Height    int64 // the state height the value and proof are for
}

// StorePath is the ABCI query path of a raw key lookup in a module store;
// only this path makes the multistore attach a proof.
func StorePath(storeName string) string { return fmt.Sprintf("/store/%s/key", storeName) }

// Query reads key from store storeName at a state height, with a proof.
//
// height <= 0 means the latest height whose app hash is already in a
// header: the node's latest height minus one, since the app hash for state
// H is only published in the header of block H+1. The SDK refuses proofs
// for height 1 and below.
func Query(ctx context.Context, node Node, storeName string, key []byte, height int64) (Result, error) {
	if len(key) == 0 || storeName == "" {
		return Result{}, ErrInvalidKey.Wrap("store name and key are required")
	}
	if height <= 0 {
		st, err := node.Status(ctx)
		if err != nil {
			return Result{}, ErrQuery.Wrapf("node status: %v", err)
		}
		height = st.SyncInfo.LatestBlockHeight - 1
	}
	if height < 2 {
		return Result{}, ErrQuery.Wrapf("height %d: proofs exist from height 2 on", height)
	}
	res, err := node.ABCIQueryWithOptions(ctx, StorePath(storeName), key,
		rpcclient.ABCIQueryOptions{Height: height, Prove: true})
	if err != nil {
		return Result{}, ErrQuery.Wrapf("%s at height %d: %v", StorePath(storeName), height, err)
	}
	resp := res.Response
	if !resp.IsOK() {
		return Result{}, ErrQuery.Wrapf("%s at height %d: code %d (%s): %s",
			StorePath(storeName), height, resp.Code, resp.Codespace, resp.Log)
	}
	if resp.Height != height {
		return Result{}, ErrQuery.Wrapf("asked for height %d, node answered for %d", height, resp.Height)
	}
	if resp.ProofOps == nil {
		return Result{}, ErrMalformedProof.Wrapf("node returned no proof for %s at height %d", StorePath(storeName), height)
	}
	return Result{StoreName: storeName, Key: key, Value: resp.Value, ProofOps: resp.ProofOps, Height: height}, nil
}
