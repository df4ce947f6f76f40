package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/legacy"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the module's messages for amino JSON
// signing (ledger devices).
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "nativechain/x/rewards/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgClaimRewards{}, "nativechain/x/rewards/MsgClaimRewards")
	legacy.RegisterAminoMsg(cdc, &MsgApproveRollupKey{}, "nativechain/rewards/MsgApproveKey")
	legacy.RegisterAminoMsg(cdc, &MsgRevokeRollupKey{}, "nativechain/rewards/MsgRevokeKey")
}

// RegisterInterfaces registers the module's messages with the interface
// registry so they can be packed into transactions.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), &MsgUpdateParams{}, &MsgClaimRewards{}, &MsgApproveRollupKey{}, &MsgRevokeRollupKey{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
