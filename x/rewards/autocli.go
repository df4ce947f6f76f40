package rewards

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	rewardsv1 "github.com/nativechain/nativechain/api/nativechain/rewards/v1"
)

// AutoCLIOptions describes the module's CLI, generated from its services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: rewardsv1.Query_ServiceDesc.ServiceName,
			Short:   "Query the reward pool, the current epoch, pending rewards and payouts",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the rewards module parameters"},
				{
					RpcMethod: "Pool",
					Use:       "pool",
					Short:     "Show the pool balance, inflows by source, outflows and what is owed",
				},
				{
					RpcMethod: "CurrentEpoch",
					Use:       "epoch",
					Short:     "Show the current epoch, its work per rollup and operator, and the payout in progress",
				},
				{
					RpcMethod:      "PendingRewards",
					Use:            "pending-rewards [operator]",
					Short:          "Show an operator's credited, unclaimed rewards",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator"}},
				},
				{RpcMethod: "Payouts", Use: "payouts", Short: "List finished epoch payouts"},
				{
					RpcMethod: "ApprovedRollupKeys",
					Use:       "approved-keys",
					Short:     "List the (rollup, verifying key hash) pairs whose work earns from the inflation-funded operator pot",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: rewardsv1.Msg_ServiceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},     // authority-gated: use a gov proposal
				{RpcMethod: "ApproveRollupKey", Skip: true}, // authority-gated: use a gov proposal
				{RpcMethod: "RevokeRollupKey", Skip: true},  // authority-gated: use a gov proposal
				{
					RpcMethod: "ClaimRewards",
					Use:       "claim",
					Short:     "Claim the rewards credited to the --from operator account",
					Example:   "nativechaind tx rewards claim --from operator",
				},
			},
		},
	}
}
