package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	rolluptypes "github.com/nativechain/nativechain/x/rollups/types"
)

// BankKeeper is the part of x/bank that x/rewards moves funds with.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
}

// RollupsKeeper is the part of x/rollups that decides whether a rollup's
// operators may be paid: only an active rollup's.
type RollupsKeeper interface {
	GetRollup(ctx context.Context, id string) (rolluptypes.Rollup, error)
}
