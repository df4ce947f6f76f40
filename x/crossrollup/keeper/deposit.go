package keeper

import (
	"context"
	"encoding/hex"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
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
	seq, err := k.bridgeIn(ctx, params, sender, msg.RollupId, protocol.InboxEntry{
		Kind:      protocol.InboxKindDeposit,
		Sender:    sender,
		Recipient: msg.L2Recipient,
	}, &msg.Amount)
	if err != nil {
		return 0, err
	}
	return seq, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDeposit{
		RollupId: msg.RollupId, Sender: msg.Sender, L2Recipient: hex.EncodeToString(msg.L2Recipient),
		Amount: msg.Amount.String(), InboxSequence: seq,
	})
}

// sendMessage appends an L1 call (inbox kind 3) with optional value.
func (k Keeper) sendMessage(ctx context.Context, msg *types.MsgSendMessage) (uint64, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	if uint64(len(msg.Payload)) > params.MaxPayloadBytes {
		return 0, protocol.ErrPayloadTooLarge.Wrapf("%d bytes, max_payload_bytes %d", len(msg.Payload), params.MaxPayloadBytes)
	}
	if msg.Amount != nil && !params.DepositsEnabled {
		return 0, types.ErrDepositsDisabled.Wrap("messages may not carry value")
	}
	sender, err := k.addressCodec.StringToBytes(msg.Sender)
	if err != nil {
		return 0, types.ErrInvalidMessage.Wrap(err.Error())
	}
	seq, err := k.bridgeIn(ctx, params, sender, msg.RollupId, protocol.InboxEntry{
		Kind:      protocol.InboxKindL1Call,
		Sender:    sender,
		Recipient: msg.L2Recipient,
		Payload:   msg.Payload,
	}, msg.Amount)
	if err != nil {
		return 0, err
	}
	amount := ""
	if msg.Amount != nil {
		amount = msg.Amount.String()
	}
	return seq, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMessageSent{
		RollupId: msg.RollupId, Sender: msg.Sender, L2Recipient: hex.EncodeToString(msg.L2Recipient),
		Amount: amount, InboxSequence: seq, PayloadBytes: uint64(len(msg.Payload)),
	})
}

// bridgeIn is what deposits and L1 calls share: refuse a paused rollup,
// append the entry (with the value, if any) to the inbox, escrow the value
// and credit the ledger, and charge the bridge fee on top of the value.
func (k Keeper) bridgeIn(ctx context.Context, params types.Params, sender sdk.AccAddress, rollupID string, entry protocol.InboxEntry, value *sdk.Coin) (uint64, error) {
	if paused, err := k.Paused.Has(ctx, rollupID); err != nil {
		return 0, err
	} else if paused {
		return 0, types.ErrRollupPaused.Wrapf("rollup %q", rollupID)
	}
	if value != nil && params.RequireExitLayout {
		r, err := k.rollupsKeeper.GetRollup(ctx, rollupID)
		if err != nil {
			return 0, err
		}
		if r.ExitLayout.IsEmpty() {
			return 0, types.ErrNoExitLayout.Wrapf("rollup %q registered no exit layout, so its L2 balances could not leave "+
				"if it froze; value into it is refused (require_exit_layout). Send a call without value, or use a rollup with a layout", rollupID)
		}
	}
	if value != nil {
		amount, err := protocol.Uint128FromBig(value.Amount.BigInt())
		if err != nil {
			return 0, err
		}
		entry.Denom, entry.Amount = value.Denom, amount
	}
	seq, err := k.rollupsKeeper.AppendInbox(ctx, rollupID, entry)
	if err != nil {
		return 0, err
	}
	if value == nil {
		return seq, nil
	}
	fee := sdk.NewCoin(value.Denom, params.BridgeFeeRate.MulInt(value.Amount).TruncateInt())
	if err := k.bankKeeper.SendCoinsFromAccountToModule(ctx, sender, types.ModuleName, sdk.NewCoins(*value).Add(fee)); err != nil {
		return 0, err
	}
	if err := k.creditLedger(ctx, nil, rollupID, value.Denom, value.Amount); err != nil {
		return 0, err
	}
	if err := k.collectFee(ctx, sender, rollupID, fee); err != nil {
		return 0, err
	}
	return seq, nil
}

// collectFee moves a bridge fee, already in the module account, to the
// reward pool.
func (k Keeper) collectFee(ctx context.Context, payer sdk.AccAddress, rollupID string, fee sdk.Coin) error {
	if !fee.IsPositive() {
		return nil
	}
	if err := k.rewardPool.FundPoolFromModule(ctx, types.ModuleName, sdk.NewCoins(fee), types.RewardSourceBridgeFee); err != nil {
		return err
	}
	addr, err := k.addressCodec.BytesToString(payer)
	if err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBridgeFee{
		Payer: addr, RollupId: rollupID, Amount: fee.String(),
	})
}
