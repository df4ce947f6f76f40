package rollups

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	rollupsv1 "github.com/nativechain/nativechain/api/nativechain/rollups/v1"
)

// AutoCLIOptions describes the module's CLI. Queries are generated. The
// transactions are hand-written in client/cli (GetTxCmd), because their
// messages carry verifying keys, batch data and proofs read from files and
// state roots given in hex; AutoCLI enhances that command with any message
// not listed here, so a new Msg still gets a command.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: rollupsv1.Query_ServiceDesc.ServiceName,
			Short:   "Query rollups, their verified batches and inboxes",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the rollups module parameters"},
				{
					RpcMethod:      "Rollup",
					Use:            "rollup [rollup-id]",
					Short:          "Show a rollup: admin, operators, state root, next batch index, inbox position, exit layout (and the denoms it holds)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
				},
				{RpcMethod: "Rollups", Use: "rollups", Short: "List the registered rollups"},
				{
					RpcMethod: "Batch",
					Use:       "batch [rollup-id] [index]",
					Short:     "Show a verified batch of a rollup",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "rollup_id"}, {ProtoField: "index"},
					},
				},
				{
					RpcMethod:      "LatestBatch",
					Use:            "latest-batch [rollup-id]",
					Short:          "Show the last verified batch of a rollup",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
				},
				{
					RpcMethod:      "Inbox",
					Use:            "inbox [rollup-id]",
					Short:          "List a rollup's inbox messages from a sequence number",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
					FlagOptions: map[string]*autocliv1.FlagOptions{
						// Not --from: that flag names the signing key everywhere else.
						"from":  {Name: "start", Usage: "first inbox sequence number to list"},
						"limit": {Usage: "maximum number of messages (default 100, at most 1000)"},
					},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              rollupsv1.Msg_ServiceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // authority-gated: use a gov proposal
				// Hand-written in client/cli:
				{RpcMethod: "RegisterRollup", Skip: true},
				{RpcMethod: "SubmitBatch", Skip: true},
				{RpcMethod: "ForceInclude", Skip: true},
				{RpcMethod: "UpdateOperators", Skip: true},
				{RpcMethod: "UpdateVerifyingKey", Skip: true},
				{RpcMethod: "DeregisterRollup", Skip: true},
			},
		},
	}
}
