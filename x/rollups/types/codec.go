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
	legacy.RegisterAminoMsg(cdc, &MsgUpdateParams{}, "nativechain/x/rollups/MsgUpdateParams")
	legacy.RegisterAminoMsg(cdc, &MsgRegisterRollup{}, "nativechain/rollups/MsgRegisterRollup")
	legacy.RegisterAminoMsg(cdc, &MsgSubmitBatch{}, "nativechain/rollups/MsgSubmitBatch")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateOperators{}, "nativechain/rollups/MsgUpdateOperators")
	legacy.RegisterAminoMsg(cdc, &MsgUpdateVerifyingKey{}, "nativechain/rollups/MsgUpdateVk")
	legacy.RegisterAminoMsg(cdc, &MsgDeregisterRollup{}, "nativechain/rollups/MsgDeregisterRollup")
	legacy.RegisterAminoMsg(cdc, &MsgForceInclude{}, "nativechain/rollups/MsgForceInclude")
}

// RegisterInterfaces registers the module's messages with the interface
// registry so they can be packed into transactions.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{},
		&MsgRegisterRollup{},
		&MsgSubmitBatch{},
		&MsgUpdateOperators{},
		&MsgUpdateVerifyingKey{},
		&MsgDeregisterRollup{},
		&MsgForceInclude{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
