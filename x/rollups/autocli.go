package rollups

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	rollupsv1 "github.com/nativechain/nativechain/api/nativechain/rollups/v1"
)

// AutoCLIOptions describes the module's CLI, generated from its services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: rollupsv1.Query_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the rollups module parameters"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: rollupsv1.Msg_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority-gated: use a gov proposal
			},
		},
	}
}
