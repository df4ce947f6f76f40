package crossrollup

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	crossrollupv1 "github.com/nativechain/nativechain/api/nativechain/crossrollup/v1"
)

// AutoCLIOptions describes the module's CLI, generated from its services.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              crossrollupv1.Query_ServiceDesc.ServiceName,
			EnhanceCustomCommand: true, // proven-* commands (light-client proofs) are in client/cli
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the crossrollup module parameters"},
				{
					RpcMethod:      "Escrow",
					Use:            "escrow [rollup-id]",
					Short:          "Show what a rollup holds in the bridge escrow, per denom (unknown rollup: an error)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
				},
				{
					RpcMethod: "Invariant",
					Use:       "invariant",
					Short:     "Compare the escrow account with the sum of the ledgers and pending withdrawals (holds: true)",
				},
				{
					RpcMethod:      "BridgeStatus",
					Use:            "bridge-status [rollup-id]",
					Short:          "Show whether a rollup's bridge is paused, its outflow cap, this epoch's outflows and, once frozen, its refund progress",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}},
				},
				{
					RpcMethod: "PendingWithdrawals",
					Use:       "pending-withdrawals",
					Short:     "List withdrawals deferred by a pause or an outflow cap, oldest first",
				},
				{
					RpcMethod:      "MessageStatus",
					Use:            "message-status [rollup-id] [sequence]",
					Short:          "Show an inbox entry and whether a verified batch consumed it",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}, {ProtoField: "sequence"}},
				},
				{
					RpcMethod:      "ExitStatus",
					Use:            "exit-status [rollup-id] [leaf-index]",
					Short:          "Show whether a leaf of a frozen rollup has exited, to whom and for how much",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}, {ProtoField: "leaf_index"}},
				},
				{
					RpcMethod:      "ExitCredits",
					Use:            "exit-credits [rollup-id] [account-hex]",
					Short:          "Show what a frozen rollup owes an L2 address outside its state tree (refunds)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollup_id"}, {ProtoField: "account"}},
				},
				{
					RpcMethod:      "Accrued",
					Use:            "accrued [address]",
					Short:          "Show what an account's own batches withdrew to it (its fees) and it has not claimed (tx crossrollup claim-accrued)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              crossrollupv1.Msg_ServiceDesc.ServiceName,
			EnhanceCustomCommand: true, // send-message and submit-bundle are in client/cli
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true},  // authority-gated: use a gov proposal
				{RpcMethod: "SetPaused", Skip: true},     // authority-gated: use a gov proposal
				{RpcMethod: "SetOutflowCap", Skip: true}, // authority-gated: use a gov proposal
				{RpcMethod: "SendMessage", Skip: true},
				{RpcMethod: "SubmitBundle", Skip: true},
				{RpcMethod: "ExodusWithdraw", Skip: true}, // reads a proof file: client/cli
				{
					RpcMethod: "ClaimAccrued",
					Use:       "claim-accrued",
					Short:     "Claim what your own batches withdrew to you (a submitter's fee withdrawals accrue in escrow)",
					Example:   "nativechaind tx crossrollup claim-accrued --from operator",
				},
				{
					RpcMethod: "Deposit",
					Use:       "deposit [rollup-id] [l2-recipient-hex] [amount]",
					Short:     "Bridge coins into a rollup: escrow them and append a deposit to its inbox",
					Long: "Bridge coins into a rollup: escrow them, credit the rollup's ledger and append a deposit (inbox kind 1).\n" +
						"Check the rollup's exit layout first (q rollups rollup [id]): without one, its L2 balances cannot leave if it\n" +
						"freezes, and with the require_exit_layout param on the deposit is refused (ErrNoExitLayout) for that reason.\n" +
						"A rollup with an exit layout holds its denom (and its quote_denom, for a two-denom layout such as exchange-v1):\n" +
						"a deposit in any other denom is refused (ErrDenomNotHeld) and nothing moves.",
					Example: "nativechaind tx crossrollup deposit payments 0a1b2c... 1000000unat --from alice",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "rollup_id"}, {ProtoField: "l2_recipient"}, {ProtoField: "amount"},
					},
				},
			},
		},
	}
}
