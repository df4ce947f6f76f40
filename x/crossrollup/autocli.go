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
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: crossrollupv1.Msg_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority-gated: use a gov proposal
			},
		},
	}
}
