package crossrollup

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	crossrollupv1 "github.com/nativechain/nativechain/api/nativechain/crossrollup/v1"
)

// AutoCLIOptions describes the module's CLI, generated from its services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: crossrollupv1.Query_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the crossrollup module parameters"},
				{
					RpcMethod:      "Escrow",
					Use:            "escrow [rollup-id]",
					Short:          "Show what a rollup holds in the bridge escrow, per denom",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: crossrollupv1.Msg_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority-gated: use a gov proposal
				{
					RpcMethod: "Deposit",
					Use:       "deposit [rollup-id] [l2-recipient-hex] [amount]",
					Short:     "Bridge coins into a rollup: escrow them and append a deposit to its inbox",
					Example:   "nativechaind tx crossrollup deposit payments 0a1b2c... 1000000unat --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "rollup_id"}, {ProtoField: "l2_recipient"}, {ProtoField: "amount"},
					},
				},
			},
		},
	}
}
