package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is the part of x/bank that x/rollups uses to escrow operator
// bonds and registration fees.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
}

// Inflow sources x/rollups reports to the reward pool through
// RollupsHooks.AfterRewardFundsCollected; they match x/rewards' source
// names.
const (
	RewardSourceRegistrationFee = "registration_fee"
	RewardSourceSlashedBond     = "slashed_bond"
	// RewardSourceForcedInclusionFee is the fee of MsgForceInclude.
	RewardSourceForcedInclusionFee = "forced_inclusion_fee"
)
