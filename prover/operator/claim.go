package operator

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	sdkmath "cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Auto-claim of the fees accrued to the submitter address.
//
// A withdrawal in a batch's outbox to the batch's own submitter (the
// operator's L2 fees) does not pay out per batch: x/crossrollup keeps it
// in escrow, accrued to that address, until it sends MsgClaimAccrued. The
// submitter claims it once the accrued amount of a denom reaches
// Options.ClaimAccruedMin.
//
// A claim is signed by the same account as the batches, and CometChain
// takes the account sequence from the committed state: a claim and a batch
// transaction in the mempool together would carry the same sequence and
// one would be refused. So the submitter sends a claim only when no batch
// transaction of its own is out of a block (the lowest unverified batch is
// not proven yet, its transaction is already in a block, or there is
// none), and sends no batch while the claim is out of a block: it waits for
// the claim's block (one block), at most claimWaitBlocks. A claim refused,
// failed or not included in time is logged and counted, and the next try
// waits claimBackoffBlocks, doubling. A claim never rejects a batch nor
// halts anything. No claim while the pipeline is halted or a standby is
// not submitting.

// claimWaitBlocks is how many blocks after it was sent the submitter
// waits for a claim to land before it sends batches again.
const claimWaitBlocks = 3

// claimBackoffBlocks is the wait after a failed claim, doubled for each
// failure in a row up to claimMaxBackoffShift times.
const (
	claimBackoffBlocks   = 10
	claimMaxBackoffShift = 6
)

// claimState is the auto-claim's state. The submit loop alone reads and
// writes it but accrued, which Status reads.
type claimState struct {
	hash       string    // the claim out of a block, "" if none
	sentHeight int64     // the chain height seen when it was sent
	amount     sdk.Coins // the accrued amount it claims
	checked    int64     // the last height the accrued amount was asked at
	notBefore  int64     // no claim before this height (back-off)
	failures   int       // failed claims in a row

	mu      sync.Mutex
	accrued sdk.Coins // the accrued amount last seen
	seen    bool
}

// status is the accrued amount last seen ("" if never asked).
func (c *claimState) status() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seen {
		return ""
	}
	if c.accrued.IsZero() {
		return "0"
	}
	return c.accrued.String()
}

func (c *claimState) setAccrued(coins sdk.Coins) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accrued, c.seen = coins, true
}

// claimOn reports whether auto-claim is on.
func (s *submitter) claimOn() bool {
	return s.opts.ClaimAccruedMin != nil && s.opts.ClaimAccruedMin.Sign() > 0
}

// claimDue reports whether the accrued amount of some denom reaches min.
func claimDue(accrued sdk.Coins, min *big.Int) bool {
	m := sdkmath.NewIntFromBigInt(min)
	for _, c := range accrued {
		if c.Amount.GTE(m) {
			return true
		}
	}
	return false
}

// claimPending checks on the claim out of a block: it reports true while
// the submitter must wait for it (it sends no batch meanwhile).
func (s *submitter) claimPending(ctx context.Context) bool {
	c := &s.claim
	if c.hash == "" {
		return false
	}
	res, found, err := s.chain.TxResult(ctx, c.hash)
	height := s.follower.chainView().height
	switch {
	case err == nil && found && res.Code == 0:
		s.claimed(res.Height)
	case err == nil && found:
		s.claimFailed(height, fmt.Sprintf("failed in block %d (codespace %s, code %d): %s", res.Height, res.Codespace, res.Code, res.Log))
	case height > c.sentHeight+claimWaitBlocks:
		s.claimFailed(height, fmt.Sprintf("not in a block %d blocks after it was sent (tx %s)", height-c.sentHeight, c.hash))
	default:
		return true
	}
	c.hash = ""
	s.wake() // a batch may be waiting
	return false
}

// maybeClaim sends a claim if one is due: at most one accrued query per
// block, none during a back-off. The caller knows no batch transaction of
// its own is out of a block.
func (s *submitter) maybeClaim(ctx context.Context) {
	c := &s.claim
	if !s.claimOn() || c.hash != "" || s.store.syncBusy() {
		return // a round may hold this account's next sequence (sync.go)
	}
	height := s.follower.chainView().height
	if height <= c.checked || height < c.notBefore {
		return
	}
	c.checked = height
	accrued, err := s.chain.Accrued(ctx, sdk.AccAddress(s.address))
	if err != nil {
		s.log.Warn("query the fees accrued to the submitter", "err", err)
		return
	}
	c.setAccrued(accrued)
	if !claimDue(accrued, s.opts.ClaimAccruedMin) {
		return
	}
	hash, err := s.chain.ClaimAccrued(ctx)
	var ce *CheckTxError
	switch {
	case errors.As(err, &ce):
		s.claimFailed(height, "refused: "+ce.Error())
		return
	case err != nil:
		s.claimFailed(height, err.Error())
		return
	}
	c.hash, c.sentHeight, c.amount = hash, height, accrued
	s.log.Info("claiming the accrued fees", "amount", accrued.String(), "tx", hash)
}

// claimed records a claim that landed.
func (s *submitter) claimed(height int64) {
	c := &s.claim
	s.metrics.accruedClaims.Inc()
	for _, coin := range c.amount {
		f, _ := new(big.Float).SetInt(coin.Amount.BigInt()).Float64()
		s.metrics.accruedClaimed.WithLabelValues(coin.Denom).Add(f)
	}
	s.log.Info("accrued fees claimed", "amount", c.amount.String(), "height", height, "tx", c.hash)
	c.failures, c.notBefore = 0, 0
	c.setAccrued(sdk.NewCoins())
}

// claimFailed records a claim that did not land, and backs off.
func (s *submitter) claimFailed(height int64, why string) {
	c := &s.claim
	s.metrics.accruedClaimFails.Inc()
	wait := int64(claimBackoffBlocks) << min(c.failures, claimMaxBackoffShift)
	c.failures++
	c.notBefore = height + wait
	s.log.Warn("claim of the accrued fees did not land; batches go on, next try later", "reason", why, "retry_after_blocks", wait)
}
