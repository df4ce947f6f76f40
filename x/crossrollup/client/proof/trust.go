package proof

import (
	"context"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/light"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
)

// AppHashSource gives the app hash that commits to the state at a height.
// CometBFT puts the app hash of state H in the header of block H+1, so a
// source needs that block to exist.
type AppHashSource interface {
	AppHash(ctx context.Context, stateHeight int64) ([]byte, error)
}

// TrustOptions is the light client's root of trust: a header the user
// obtained out of band (height and hash), and how long a header may serve
// as a basis for trust. The period must be shorter than the unbonding
// period, or validators who signed a fork could have unbonded unpunished.
type TrustOptions struct {
	Height int64
	Hash   []byte
	Period time.Duration
}

// LightClient is an AppHashSource that verifies headers with the CometBFT
// light client: from the trusted header, each header it returns is checked
// against the signatures of the validator set it trusts, and cross-checked
// with the witnesses. The RPC servers are never trusted for a header.
type LightClient struct {
	client *light.Client
}

var _ AppHashSource = (*LightClient)(nil)

// NewLightClient starts a light client on chainID with primary as its
// header provider. Witnesses are other RPC servers of the same chain the
// primary's headers are compared with; with none, the primary is its own
// witness: headers are still checked against validator signatures, but a
// primary that serves a fork signed by a corrupted validator set is not
// detected. Verified headers are kept in memory only.
func NewLightClient(ctx context.Context, chainID, primary string, witnesses []string, trust TrustOptions) (*LightClient, error) {
	if len(witnesses) == 0 {
		witnesses = []string{primary}
	}
	c, err := light.NewHTTPClient(ctx, chainID,
		light.TrustOptions{Period: trust.Period, Height: trust.Height, Hash: trust.Hash},
		primary, witnesses, lightdb.New(dbm.NewMemDB(), ""),
		light.Logger(cmtlog.NewNopLogger()))
	if err != nil {
		return nil, ErrTrust.Wrapf("light client from trusted height %d, hash %X: %v", trust.Height, trust.Hash, err)
	}
	return &LightClient{client: c}, nil
}

// AppHash verifies the header at stateHeight+1 and returns its app hash.
func (l *LightClient) AppHash(ctx context.Context, stateHeight int64) ([]byte, error) {
	lb, err := l.client.VerifyLightBlockAtHeight(ctx, stateHeight+1, time.Now())
	if err != nil {
		return nil, ErrTrust.Wrapf("verify header %d (it carries the app hash of state %d): %v",
			stateHeight+1, stateHeight, err)
	}
	return lb.AppHash, nil
}

// NodeCommit is the weaker AppHashSource: it takes the header at
// stateHeight+1 from one RPC server and checks only that the validator set
// that same server reports signed it. A dishonest server can invent both,
// so this protects against corruption in transit, not against the server.
// Use the LightClient unless the server is your own.
type NodeCommit struct {
	chainID string
	remote  *rpchttp.HTTP
}

var _ AppHashSource = (*NodeCommit)(nil)

// NewNodeCommit trusts the RPC server at remote (e.g. tcp://127.0.0.1:26657).
func NewNodeCommit(chainID, remote string) (*NodeCommit, error) {
	c, err := rpchttp.New(remote, "/websocket")
	if err != nil {
		return nil, ErrTrust.Wrapf("rpc client for %s: %v", remote, err)
	}
	return &NodeCommit{chainID: chainID, remote: c}, nil
}

// AppHash returns the app hash of the header at stateHeight+1 as the server
// gives it, after checking the commit against the server's validator set.
func (n *NodeCommit) AppHash(ctx context.Context, stateHeight int64) ([]byte, error) {
	lb, err := lighthttp.NewWithClient(n.chainID, n.remote).LightBlock(ctx, stateHeight+1)
	if err != nil {
		return nil, ErrTrust.Wrapf("header %d (it carries the app hash of state %d): %v", stateHeight+1, stateHeight, err)
	}
	if err := lb.ValidatorSet.VerifyCommitLight(n.chainID, lb.Commit.BlockID, lb.Height, lb.Commit); err != nil {
		return nil, ErrTrust.Wrapf("commit of header %d: %v", lb.Height, err)
	}
	return lb.AppHash, nil
}
