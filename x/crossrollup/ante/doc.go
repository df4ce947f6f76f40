// Package ante holds x/crossrollup's transaction-admission check for
// bundles: BundleDecorator applies every MsgSubmitBundle of a transaction
// to a throwaway branch of the check state in CheckTx and ReCheckTx, after
// x/rollups' cheap checks of all its batches (x/rollups/ante), so a bundle
// that would fail never enters the mempool. It runs after x/rollups'
// BatchProofDecorator in the app's ante chain (app/app.go); in FinalizeBlock
// the bundle's message handler (keeper/bundle.go) does the work for real.
package ante
