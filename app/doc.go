// Package app is the nativechain application: the Cosmos SDK's base
// modules plus x/rollups, x/crossrollup and x/rewards, wired by hand
// (app.go, New as a list of steps), with x/mint's mint function that pays
// the reward pool its inflation share (mint.go), genesis and export.
//
// It is where one batch's path is put together: the ante chain runs the
// SDK's decorators, then x/rollups/ante and x/crossrollup/ante (CheckTx);
// ProcessProposal and the PreBlocker run x/rollups/abci's block-level proof
// verification; FinalizeBlock runs the Msg handlers, whose x/rollups hooks
// reach x/crossrollup and x/rewards (registered once, in
// initNativeKeepers). The app imports nothing under prover/.
package app
