package types

import (
	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"

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
	if len(m.L2Recipient) == 0 || len(m.L2Recipient) > rollupstypes.MaxAddressLen {
		return ErrInvalidDeposit.Wrapf("l2 recipient must be 1..%d bytes, got %d", rollupstypes.MaxAddressLen, len(m.L2Recipient))
	}
	if err := m.Amount.Validate(); err != nil || !m.Amount.IsPositive() {
		return ErrInvalidDeposit.Wrapf("amount %s must be positive", m.Amount)
	}
	if _, err := rollupstypes.Uint128FromBig(m.Amount.Amount.BigInt()); err != nil {
		return err
	}
	return nil
}
