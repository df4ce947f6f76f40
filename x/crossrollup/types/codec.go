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
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "nativechain/crossrollup/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgDeposit{}, "nativechain/crossrollup/MsgDeposit")
	legacy.RegisterAminoMsg(cdc, &MsgSendMessage{}, "nativechain/crossrollup/MsgSendMessage")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitBundle{}, "nativechain/crossrollup/MsgSubmitBundle")
	legacy.RegisterAminoMsg(cdc, &MsgSetPaused{}, "nativechain/crossrollup/MsgSetPaused")
	legacy.RegisterAminoMsg(cdc, &MsgSetOutflowCap{}, "nativechain/crossrollup/SetOutflowCap")
	legacy.RegisterAminoMsg(cdc, &MsgExodusWithdraw{}, "nativechain/crossrollup/ExodusWithdraw")
	legacy.RegisterAminoMsg(cdc, &MsgClaimAccrued{}, "nativechain/crossrollup/ClaimAccrued")
}

// RegisterInterfaces registers the module's messages with the interface
// registry so they can be packed into transactions.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil), &MsgUpdateParams{}, &MsgDeposit{},
		&MsgSendMessage{}, &MsgSubmitBundle{}, &MsgSetPaused{}, &MsgSetOutflowCap{}, &MsgExodusWithdraw{}, &MsgClaimAccrued{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
