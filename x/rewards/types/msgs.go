package types

import (
	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

var (
	_ sdk.Msg = (*MsgUpdateParams)(nil)
	_ sdk.Msg = (*MsgClaimRewards)(nil)
	_ sdk.Msg = (*MsgApproveRollupKey)(nil)
	_ sdk.Msg = (*MsgRevokeRollupKey)(nil)
)

// Validate checks the message statelessly. Handlers call it first, with the
// chain's address codec (never the global bech32 config).
func (m *MsgUpdateParams) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	return m.Params.Validate()
}

// Validate checks the message statelessly.
func (m *MsgClaimRewards) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Operator); err != nil {
		return ErrInvalidAddress.Wrapf("operator %q: %s", m.Operator, err)
	}
	return nil
}

// Validate checks the message statelessly.
func (m *MsgApproveRollupKey) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	return validateApproval(m.RollupId, m.VkHash)
}

// Validate checks the message statelessly.
func (m *MsgRevokeRollupKey) Validate(ac address.Codec) error {
	if _, err := ac.StringToBytes(m.Authority); err != nil {
		return ErrUnauthorized.Wrapf("invalid authority address %q: %s", m.Authority, err)
	}
	return validateApproval(m.RollupId, m.VkHash)
}
