package operator

import (
	"context"
	"fmt"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// rulesRefresh is how long the chain's rules are trusted before the
// follower fetches them again: a new module account (an upgrade), a
// governance change of max_payload_bytes or a newly registered rollup is
// seen within this delay.
const rulesRefresh = 30 * time.Second

// chainRules is what x/crossrollup refuses in a verified batch's outbox,
// fetched from the chain and cached. A refusal there fails the whole batch
// (a withdrawal to a blocked address: every module account; a message
// over max_payload_bytes), so the API refuses such transactions up front
// (validate), and a batch the chain refused for one of them is rebuilt
// without it (discardFrom). It has its own lock: the follower and the
// submitter refresh it without holding any other.
type chainRules struct {
	mu         sync.Mutex
	blocked    map[string]bool // raw L1 addresses of the module accounts
	maxPayload uint64          // x/crossrollup max_payload_bytes
	rollups    map[string]bool // registered rollup ids
	fetchedAt  time.Time
}

// refresh reads the rules from the chain; on an error the cached ones
// stay.
func (r *chainRules) refresh(ctx context.Context, c Chain) error {
	accounts, err := c.ModuleAccounts(ctx)
	if err != nil {
		return fmt.Errorf("module accounts: %w", err)
	}
	params, err := c.BridgeParams(ctx)
	if err != nil {
		return fmt.Errorf("bridge params: %w", err)
	}
	ids, err := c.RollupIDs(ctx)
	if err != nil {
		return fmt.Errorf("rollups: %w", err)
	}
	blocked := make(map[string]bool, len(accounts))
	for _, a := range accounts {
		blocked[string(a)] = true
	}
	rollups := make(map[string]bool, len(ids))
	for _, id := range ids {
		rollups[id] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.blocked, r.maxPayload, r.rollups, r.fetchedAt = blocked, params.MaxPayloadBytes, rollups, time.Now()
	return nil
}

func (r *chainRules) stale() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Since(r.fetchedAt) > rulesRefresh
}

// refusal says why the chain would fail a batch that carries tx's outbox
// entries (nil if it would not). An unknown destination rollup is not one:
// the chain bounces such a message back.
func (r *chainRules) refusal(tx rollupkit.Tx) *APIError {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, out := range tx.Outgoing() {
		switch out.Kind {
		case protocol.OutboxKindWithdrawal:
			if r.blocked[string(out.Recipient)] {
				return apiErr(CodeBlockedRecipient, "the recipient %s is a module account of the chain, which may not receive a withdrawal",
					sdk.AccAddress(out.Recipient))
			}
		case protocol.OutboxKindCrossRollupMessage:
			if uint64(len(out.Payload)) > r.maxPayload {
				return apiErr(CodePayloadTooLarge, "payload of %d bytes, but the chain's max_payload_bytes is %d", len(out.Payload), r.maxPayload)
			}
		}
	}
	return nil
}

// admit is refusal plus what the API refuses as a mistake: a message to a
// rollup the chain does not know (it would bounce).
func (r *chainRules) admit(tx rollupkit.Tx) *APIError {
	if aerr := r.refusal(tx); aerr != nil {
		return aerr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, out := range tx.Outgoing() {
		if out.Kind == protocol.OutboxKindCrossRollupMessage && !r.rollups[out.DestRollupID] {
			return apiErr(CodeUnknownRollup, "no rollup %q on the chain (as of %s)", out.DestRollupID, r.fetchedAt.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// admitTx is admit as rollupkit.Policy.ChainRules takes it.
func (r *chainRules) admitTx(tx rollupkit.Tx) error {
	if aerr := r.admit(tx); aerr != nil {
		return aerr
	}
	return nil
}

// refusesEntry says why the chain's rules refuse the outbox entries of the
// accepted transaction e ("" if they do not).
func (r *chainRules) refusesEntry(e *mempoolEntry) string {
	if e.tx == nil {
		return ""
	}
	if aerr := r.refusal(e.tx); aerr != nil {
		return aerr.Message
	}
	return ""
}

// payloadLimit is the chain's max_payload_bytes as last read.
func (r *chainRules) payloadLimit() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.maxPayload
}
