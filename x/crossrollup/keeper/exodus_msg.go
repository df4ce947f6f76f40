package keeper

import (
	"context"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// ExodusWithdraw pays an account of a frozen rollup (docs/spec/exodus.md).
func (m msgServer) ExodusWithdraw(ctx context.Context, msg *types.MsgExodusWithdraw) (*types.MsgExodusWithdrawResponse, error) {
	return nil, types.ErrNoExitLayout.Wrap("exodus is not wired yet")
}
