package keeper

import (
	"context"
	"encoding/hex"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// deposit escrows the coins, credits the rollup's ledger and appends a
// deposit entry to its inbox. x/rollups refuses the append for an unknown
// or inactive rollup, and the whole message then changes nothing.
func (k Keeper) deposit(ctx context.Context, msg *types.MsgDeposit) (uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	if !params.DepositsEnabled {
		return 0, types.ErrDepositsDisabled
	}
	sender, err := k.addressCodec.StringToBytes(msg.Sender)
	if err != nil {
		return 0, types.ErrInvalidDeposit.Wrap(err.Error())
	}
	amount, err := rollupstypes.Uint128FromBig(msg.Amount.Amount.BigInt())
	if err != nil {
		return 0, err
	}
	seq, err := k.rollupsKeeper.AppendInbox(ctx, msg.RollupId, rollupstypes.InboxEntry{
		Kind:      rollupstypes.InboxKindDeposit,
		Sender:    sender,
		Recipient: msg.L2Recipient,
		Denom:     msg.Amount.Denom,
		Amount:    amount,
	})
	if err != nil {
		return 0, err
	}
	if err := k.bankKeeper.SendCoinsFromAccountToModule(ctx, sender, types.ModuleName, sdk.NewCoins(msg.Amount)); err != nil {
		return 0, err
	}
	if err := k.creditLedger(ctx, msg.RollupId, msg.Amount.Denom, msg.Amount.Amount); err != nil {
		return 0, err
	}
	return seq, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDeposit{
		RollupId: msg.RollupId, Sender: msg.Sender, L2Recipient: hex.EncodeToString(msg.L2Recipient),
		Amount: msg.Amount.String(), InboxSequence: seq,
	})
}
