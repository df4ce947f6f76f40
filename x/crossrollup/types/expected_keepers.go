package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// RollupsKeeper is the part of x/rollups the bridge uses: the registry and
// the inbox.
type RollupsKeeper interface {
	GetRollup(ctx context.Context, id string) (rollupstypes.Rollup, error)
	AppendInbox(ctx context.Context, rollupID string, entry protocol.InboxEntry) (uint64, error)
	GetInboxMessage(ctx context.Context, rollupID string, seq uint64) (rollupstypes.InboxMessage, error)
}

// BatchSubmitter applies one batch exactly as MsgSubmitBatch does (x/rollups'
// Msg service); bundles call it once per batch.
type BatchSubmitter interface {
	SubmitBatch(ctx context.Context, msg *rollupstypes.MsgSubmitBatch) (*rollupstypes.MsgSubmitBatchResponse, error)
}

// RewardPool is the reward pool (x/rewards): bridge fees go there.
type RewardPool interface {
	FundPoolFromModule(ctx context.Context, fromModule string, amt sdk.Coins, source string) error
}

// BankKeeper is the part of x/bank that x/crossrollup moves funds with.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
	BlockedAddr(addr sdk.AccAddress) bool
}
