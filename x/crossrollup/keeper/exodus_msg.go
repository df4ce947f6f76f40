package keeper

import (
	"context"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// ExodusWithdraw pays an account of a frozen rollup its last proven balance
// plus its exit credits, once (docs/spec/exodus.md).
func (m msgServer) ExodusWithdraw(ctx context.Context, msg *types.MsgExodusWithdraw) (*types.MsgExodusWithdrawResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	return m.exodusWithdraw(ctx, msg)
}
