package types

import (
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

var _ sdk.Msg = (*MsgUpdateParams)(nil)

// Validate checks the message statelessly. Handlers call it first, with the
// chain's address codec (never the global bech32 config).
func (m *MsgUpdateParams) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	return m.Params.Validate()
}

var _ sdk.Msg = (*MsgDeposit)(nil)

// Validate checks the deposit statelessly: sender, rollup id, L2 recipient
// bounds, and a positive amount that fits the 128-bit amount of the inbox
// encoding.
func (m *MsgDeposit) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Sender); err != nil {
		return ErrInvalidDeposit.Wrapf("invalid sender %q: %s", m.Sender, err)
	}
	if err := rollupstypes.ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if len(m.L2Recipient) == 0 || len(m.L2Recipient) > protocol.MaxAddressLen {
		return ErrInvalidDeposit.Wrapf("l2 recipient must be 1..%d bytes, got %d", protocol.MaxAddressLen, len(m.L2Recipient))
	}
	if err := m.Amount.Validate(); err != nil || !m.Amount.IsPositive() {
		return ErrInvalidDeposit.Wrapf("amount %s must be positive", m.Amount)
	}
	if _, err := protocol.Uint128FromBig(m.Amount.Amount.BigInt()); err != nil {
		return err
	}
	return nil
}

var _ sdk.Msg = (*MsgSendMessage)(nil)

// Validate checks an L1 call statelessly. The payload bound of the params is
// checked by the handler; here only the encoding's hard limit.
func (m *MsgSendMessage) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Sender); err != nil {
		return ErrInvalidMessage.Wrapf("invalid sender %q: %s", m.Sender, err)
	}
	if err := rollupstypes.ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if len(m.L2Recipient) > protocol.MaxAddressLen {
		return ErrInvalidMessage.Wrapf("l2 recipient must be at most %d bytes, got %d", protocol.MaxAddressLen, len(m.L2Recipient))
	}
	if len(m.Payload) > protocol.MaxPayloadLen {
		return protocol.ErrPayloadTooLarge.Wrapf("%d bytes, max %d", len(m.Payload), protocol.MaxPayloadLen)
	}
	if m.Amount != nil {
		if err := m.Amount.Validate(); err != nil || !m.Amount.IsPositive() {
			return ErrInvalidMessage.Wrapf("amount %s must be positive when set", m.Amount)
		}
		if _, err := protocol.Uint128FromBig(m.Amount.Amount.BigInt()); err != nil {
			return err
		}
	}
	if len(m.Payload) == 0 && m.Amount == nil {
		return ErrInvalidMessage.Wrap("a message carries a payload, value, or both")
	}
	return nil
}

var _ sdk.Msg = (*MsgSubmitBundle)(nil)

// Validate checks a bundle statelessly: a bounded number of batches, each
// valid on its own. The chain-side bound (max_bundle_batches) is the
// handler's.
func (m *MsgSubmitBundle) Validate(ac address.Codec) error {
	if len(m.Batches) < 2 {
		return ErrInvalidBundle.Wrapf("a bundle has at least 2 batches, got %d", len(m.Batches))
	}
	if len(m.Batches) > int(MaxBundleBatchesLimit) {
		return ErrInvalidBundle.Wrapf("at most %d batches, got %d", MaxBundleBatchesLimit, len(m.Batches))
	}
	for i, b := range m.Batches {
		if b == nil {
			return ErrInvalidBundle.Wrapf("batch %d is empty", i)
		}
		if err := b.Validate(ac); err != nil {
			return errorsmod.Wrapf(err, "bundle batch %d", i)
		}
	}
	return nil
}

var _ sdk.Msg = (*MsgSetPaused)(nil)

// Validate checks the authority address and the rollup id.
func (m *MsgSetPaused) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	return rollupstypes.ValidateRollupName(m.RollupId)
}

var _ sdk.Msg = (*MsgSetOutflowCap)(nil)

// Validate checks the authority, the rollup id and the cap coins (positive,
// sorted, no duplicates; empty clears the cap).
func (m *MsgSetOutflowCap) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	if err := rollupstypes.ValidateRollupName(m.RollupId); err != nil {
		return err
	}
	if err := m.Cap.Validate(); err != nil {
		return ErrInvalidOutflowCap.Wrap(err.Error())
	}
	return nil
}

var _ sdk.Msg = (*MsgClaimAccrued)(nil)

// Validate checks the claimant's address.
func (m *MsgClaimAccrued) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Claimant); err != nil {
		return ErrInvalidRequest.Wrapf("invalid claimant %q: %s", m.Claimant, err)
	}
	return nil
}
