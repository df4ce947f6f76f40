package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/wallet"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// exchangeExitProof rebuilds an exchange-v1 rollup and writes key's exit
// proof (the leaf with its quote balance and shares, and the pool record),
// or a credits-only one without an account or with creditsOnly.
func exchangeExitProof(ctx context.Context, chain exitChain, chainID, rollupID string, key *wallet.Key, recipient []byte, creditsOnly bool, log io.Writer) (protocol.ExitProofFile, error) {
	state, rollup, err := rebuildExchangeState(ctx, chain, rollupID, log)
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	if rollup.Status != types.ROLLUP_STATUS_FROZEN {
		fmt.Fprintf(log, "note: rollup %s is %s, not frozen: the chain takes exits only from a frozen rollup\n", rollupID, rollup.Status)
	}
	index, found, err := state.IndexOf(key.Private.Public)
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	if !found || creditsOnly {
		root, err := state.Root()
		if err != nil {
			return protocol.ExitProofFile{}, err
		}
		fmt.Fprintf(log, "credits-only proof for %s on %s (no leaf): it collects only the refunds credited to this address\n", key.File.Name, rollupID)
		return exchange.BuildCreditsExitProof(root, key.Private, chainID, rollupID, recipient)
	}
	proof, err := exchange.BuildExitProof(state, index, key.Private, chainID, rollupID, recipient)
	if err != nil {
		return proof, err
	}
	l := rollup.ExitLayout
	fmt.Fprintf(log, "account %d of %s: %s%s, %s%s and %s of %s pool shares, nonce %d, at state root %s\n", index, rollupID,
		proof.Balance, l.Denom, proof.QuoteBalance, l.QuoteDenom, proof.Shares, proof.PoolTotalShares, proof.Nonce, proof.StateRoot)
	return proof, nil
}

// rebuildExchangeState replays every verified batch of an exchange-v1
// rollup from the empty state (exchange.State.ApplyData) and checks the
// result against the chain's records: each batch's roots, each consumed
// range's accumulator, and the final state root.
func rebuildExchangeState(ctx context.Context, c exitChain, rollupID string, log io.Writer) (*exchange.State, types.Rollup, error) {
	r, err := c.rollup(ctx, rollupID)
	if err != nil {
		return nil, r, fmt.Errorf("rollup %q: %w", rollupID, err)
	}
	layout := r.ExitLayout
	if layout == nil || layout.Name != protocol.ExitLayoutExchangeV1 {
		return nil, r, fmt.Errorf("rollup %q registered no %s exit layout", rollupID, protocol.ExitLayoutExchangeV1)
	}
	// Replay trusts the posted records: slots and the fee do not matter.
	p := exchange.Params{Depth: int(layout.Depth), Slots: 1, BaseDenom: layout.Denom, QuoteDenom: layout.QuoteDenom}
	state, err := exchange.OpenState(dbm.NewMemDB(), p)
	if err != nil {
		return nil, r, fmt.Errorf("rollup %q: exit layout: %w", rollupID, err)
	}
	root, err := state.Root()
	if err != nil {
		return nil, r, err
	}
	if !bytes.Equal(r.GenesisStateRoot, protocol.StateRootBytes(root)) {
		return nil, r, fmt.Errorf("rollup %q did not start from an empty exchange state: cannot rebuild it from batches alone", rollupID)
	}
	prevRoot := r.GenesisStateRoot
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
		n, err := state.ApplyData(data, entries)
		if err != nil {
			return nil, r, fmt.Errorf("batch %d: %w", i, err)
		}
		if n != len(entries) {
			return nil, r, fmt.Errorf("batch %d: its data consumes %d inbox messages, the chain says %d", i, n, len(entries))
		}
		if root, err = state.Root(); err != nil {
			return nil, r, err
		}
		if !bytes.Equal(protocol.StateRootBytes(root), b.NewStateRoot) {
			return nil, r, fmt.Errorf("batch %d replays to root %x, the chain recorded %x: refusing to build a proof", i, protocol.StateRootBytes(root), b.NewStateRoot)
		}
		prevRoot = b.NewStateRoot
		fmt.Fprintf(log, "replayed batch %d (%d bytes, %d inbox messages)\n", i, len(data), n)
	}
	if got := protocol.StateRootBytes(root); !bytes.Equal(got, r.StateRoot) {
		return nil, r, fmt.Errorf("the rebuilt state of %q has root %x, but the chain's state root is %x: refusing to build a proof", rollupID, got, r.StateRoot)
	}
	return state, r, nil
}
