package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"math/big"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Exodus (docs/spec/exodus.md): once x/rollups froze a rollup, each of its
// accounts withdraws its last proven balance, plus the exit credits refunds
// left it, to an L1 address its L2 key chose. The chain checks the claim
// with the verifier of the layout the rollup registered; it knows nothing
// of the layout itself.

// namedExitVerifier is one wired verifier and the layout name it serves.
type namedExitVerifier struct {
	name     string
	verifier types.ExitVerifier
}

// exitVerifier returns the verifier the keeper was built with for a layout
// name.
func (k Keeper) exitVerifier(name string) (types.ExitVerifier, bool) {
	i, found := slices.BinarySearchFunc(k.exitVerifiers, name, func(e namedExitVerifier, n string) int { return strings.Compare(e.name, n) })
	if !found {
		return nil, false
	}
	return k.exitVerifiers[i].verifier, true
}

// exodusWithdraw checks a claim in the order of docs/spec/exodus.md, each
// failure a typed error before any write, then pays and records it.
func (k Keeper) exodusWithdraw(ctx context.Context, msg *types.MsgExodusWithdraw) (*types.MsgExodusWithdrawResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	r, err := k.rollupsKeeper.GetRollup(ctx, msg.RollupId)
	if err != nil {
		return nil, err
	}
	if r.Status != rollupstypes.ROLLUP_STATUS_FROZEN {
		return nil, types.ErrRollupNotFrozen.Wrapf("rollup %q is %s", r.Id, r.Status)
	}
	if r.ExitLayout.IsEmpty() {
		return nil, types.ErrNoExitLayout.Wrapf("rollup %q registered no exit layout", r.Id)
	}
	layout := protocol.ExitLayoutParams{Name: r.ExitLayout.Name, Depth: r.ExitLayout.Depth, Denom: r.ExitLayout.Denom, QuoteDenom: r.ExitLayout.QuoteDenom}
	verifier, ok := k.exitVerifier(layout.Name)
	if !ok {
		return nil, types.ErrNoExitLayout.Wrapf("no verifier is wired for layout %q of rollup %q", layout.Name, r.Id)
	}
	if !bytes.Equal(msg.StateRoot, r.StateRoot) {
		return nil, types.ErrStaleExitRoot.Wrapf("claim against %x, the last verified root of %q is %x", msg.StateRoot, r.Id, r.StateRoot)
	}
	balance, err := msg.ParseBalance()
	if err != nil {
		return nil, err
	}
	pair, err := msg.ParsePairFields()
	if err != nil {
		return nil, err
	}
	if err := checkExitShape(msg, layout, balance, pair); err != nil {
		return nil, err
	}
	recipient, err := k.addressCodec.StringToBytes(msg.Recipient)
	if err != nil {
		return nil, types.ErrInvalidRequest.Wrapf("recipient: %s", err)
	}
	leafClaim := msg.LeafIndex != protocol.ExitLeafNone
	if leafClaim {
		exited, err := k.Exits.Has(ctx, collections.Join(r.Id, msg.LeafIndex))
		if err != nil {
			return nil, err
		}
		if exited {
			return nil, types.ErrAlreadyExited.Wrapf("leaf %d of rollup %q", msg.LeafIndex, r.Id)
		}
	}
	if k.bankKeeper.BlockedAddr(recipient) {
		return nil, types.ErrInvalidRequest.Wrapf("recipient %s may not receive funds", msg.Recipient)
	}

	// Verification is the expensive part: charge for it first.
	sdkCtx.GasMeter().ConsumeGas(verifier.VerifyGas(layout), "crossrollup: exit proof verification")
	claim := protocol.ExitClaim{
		LeafIndex: msg.LeafIndex, Account: msg.Account, Balance: balance.BigInt(), Nonce: msg.Nonce,
		Siblings: msg.Siblings, Recipient: recipient, Signature: msg.Signature,
		Quote: optionalBigInt(pair.Quote), Shares: optionalBigInt(pair.Shares), PoolReserveBase: optionalBigInt(pair.PoolReserveBase),
		PoolReserveQuote: optionalBigInt(pair.PoolReserveQuote), PoolTotalShares: optionalBigInt(pair.PoolTotalShares),
	}
	amounts, err := verifier.VerifyExitPayout(ctx, sdkCtx.ChainID(), r.Id, layout, r.StateRoot, claim)
	if err != nil {
		if errors.Is(err, types.ErrInvalidExitProof) {
			return nil, err
		}
		return nil, types.ErrInvalidExitProof.Wrap(err.Error())
	}
	leafPayout, err := exitPayoutCoins(layout, amounts)
	if err != nil {
		return nil, err
	}

	credits, err := k.ExitCreditsOf(ctx, r.Id, msg.Account)
	if err != nil {
		return nil, err
	}
	paid := credits.Add(leafPayout...)
	if paid.IsZero() {
		return nil, types.ErrNothingToExit.Wrapf("leaf %d of rollup %q holds nothing and no credits are owed", msg.LeafIndex, r.Id)
	}
	// Every ledger must cover its part before anything moves. With a
	// sound circuit it always does.
	for _, c := range paid {
		held, err := k.Ledger(ctx, r.Id, c.Denom)
		if err != nil {
			return nil, err
		}
		if held.LT(c.Amount) {
			return nil, types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, the exit asks for %s", r.Id, held, c.Denom, c)
		}
	}

	for _, c := range paid {
		if err := k.debitLedger(ctx, nil, r.Id, c.Denom, c.Amount); err != nil {
			return nil, err
		}
	}
	if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, paid); err != nil {
		return nil, err
	}
	if err := k.clearExitCredits(ctx, r.Id, msg.Account, credits); err != nil {
		return nil, err
	}
	if leafClaim {
		if err := k.Exits.Set(ctx, collections.Join(r.Id, msg.LeafIndex), types.ExitRecord{
			RollupId: r.Id, LeafIndex: msg.LeafIndex, Account: msg.Account, Recipient: msg.Recipient,
			Paid: paid, Height: sdkCtx.BlockHeight(),
		}); err != nil {
			return nil, err
		}
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventExodusWithdrawal{
		RollupId: r.Id, LeafIndex: msg.LeafIndex, Account: hex.EncodeToString(msg.Account),
		Recipient: msg.Recipient, Amount: paid.String(), Credits: credits.String(), Sender: msg.Sender,
	}); err != nil {
		return nil, err
	}
	return &types.MsgExodusWithdrawResponse{
		Amount: sdk.NewCoin(layout.Denom, paid.AmountOf(layout.Denom)),
		Paid:   paid,
	}, nil
}

// optionalBigInt is v's big.Int, or nil for an absent field.
func optionalBigInt(v *sdkmath.Int) *big.Int {
	if v == nil {
		return nil
	}
	return v.BigInt()
}

// exitPayoutCoins turns a verifier's amounts into the coins a leaf claim
// is paid. Every denom must be one of the layout's, at most once, and every
// amount non-negative and below 2^255: a verifier that returns
// anything else is refused (ErrInvalidExitProof), never trusted. Zero
// amounts are dropped.
func exitPayoutCoins(layout protocol.ExitLayoutParams, amounts []protocol.ExitAmount) (sdk.Coins, error) {
	out := sdk.NewCoins()
	seen := make([]string, 0, len(amounts))
	for _, a := range amounts {
		if a.Denom == "" || (a.Denom != layout.Denom && a.Denom != layout.QuoteDenom) {
			return nil, types.ErrInvalidExitProof.Wrapf("the verifier of %q pays in %q, not a denom of the layout", layout.Name, a.Denom)
		}
		if slices.Contains(seen, a.Denom) {
			return nil, types.ErrInvalidExitProof.Wrapf("the verifier of %q pays %q twice", layout.Name, a.Denom)
		}
		seen = append(seen, a.Denom)
		// Below 2^255: added to credits (bounded by a ledger) it stays a
		// valid sdkmath.Int, so Coins.Add cannot overflow; the ledger
		// check below refuses anything a ledger does not hold.
		if a.Amount == nil || a.Amount.Sign() < 0 || a.Amount.BitLen() >= sdkmath.MaxBitLen {
			return nil, types.ErrInvalidExitProof.Wrapf("the verifier of %q pays an amount out of range in %q", layout.Name, a.Denom)
		}
		if a.Amount.Sign() > 0 {
			out = out.Add(sdk.NewCoin(a.Denom, sdkmath.NewIntFromBigInt(a.Amount)))
		}
	}
	return out, nil
}

// checkExitShape checks a claim against its layout: a leaf claim has
// exactly depth siblings and a leaf index below 2^depth, and sets the
// two-denom fields only if the layout holds two denoms; a credits-only
// claim (ExitLeafNone) has no siblings, balance, nonce or two-denom field.
func checkExitShape(msg *types.MsgExodusWithdraw, layout protocol.ExitLayoutParams, balance sdkmath.Int, pair types.ExitPairFields) error {
	if msg.LeafIndex == protocol.ExitLeafNone {
		if len(msg.Siblings) != 0 || !balance.IsZero() || msg.Nonce != 0 || !pair.IsEmpty() {
			return types.ErrInvalidExitProof.Wrap("a credits-only claim carries no siblings, balance, nonce, quote, shares or pool")
		}
		return nil
	}
	if layout.QuoteDenom == "" && !pair.IsEmpty() {
		return types.ErrInvalidExitProof.Wrapf("layout %q holds one denom: the claim carries no quote balance, shares or pool", layout.Name)
	}
	if uint32(len(msg.Siblings)) != layout.Depth {
		return types.ErrInvalidExitProof.Wrapf("%d siblings, the layout's depth is %d", len(msg.Siblings), layout.Depth)
	}
	if layout.Depth < 64 && msg.LeafIndex>>layout.Depth != 0 {
		return types.ErrInvalidExitProof.Wrapf("leaf index %d is outside a tree of depth %d", msg.LeafIndex, layout.Depth)
	}
	for i, s := range msg.Siblings {
		if len(s) != types.ExitSiblingBytes {
			return types.ErrInvalidExitProof.Wrapf("sibling %d is %d bytes, want %d", i, len(s), types.ExitSiblingBytes)
		}
	}
	return nil
}

// ExitCreditsOf returns what a rollup owes an L2 address outside its state
// tree, in denom order.
func (k Keeper) ExitCreditsOf(ctx context.Context, rollupID string, account []byte) (sdk.Coins, error) {
	out := sdk.NewCoins()
	rng := collections.NewSuperPrefixedTripleRange[string, []byte, string](rollupID, account)
	err := k.ExitCredits.Walk(ctx, rng, func(key collections.Triple[string, []byte, string], amt sdkmath.Int) (bool, error) {
		out = out.Add(sdk.NewCoin(key.K3(), amt))
		return false, nil
	})
	return out, err
}

// creditExit adds amt of denom to what rollupID owes account. The value
// must already be in rollupID's ledger.
func (k Keeper) creditExit(ctx context.Context, rollupID string, account []byte, denom string, amt sdkmath.Int) error {
	key := collections.Join3(rollupID, account, denom)
	cur, err := k.ExitCredits.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		cur = sdkmath.ZeroInt()
	} else if err != nil {
		return err
	}
	return k.ExitCredits.Set(ctx, key, cur.Add(amt))
}

// clearExitCredits removes the credits an exit just paid.
func (k Keeper) clearExitCredits(ctx context.Context, rollupID string, account []byte, paid sdk.Coins) error {
	for _, c := range paid {
		if err := k.ExitCredits.Remove(ctx, collections.Join3(rollupID, account, c.Denom)); err != nil {
			return errorsmod.Wrapf(err, "exit credit %s/%x/%s", rollupID, account, c.Denom)
		}
	}
	return nil
}
