// Package ante holds x/crossrollup's transaction-admission check for
// bundles: BundleDecorator runs the bundle-level checks of every
// MsgSubmitBundle (the message, max_bundle_batches) in CheckTx and
// ReCheckTx. It runs before x/rollups' BatchProofDecorator in the app's
// ante chain (app/app.go), which applies the bundle's batches in order on
// the check state, as the bundle's handler (keeper/bundle.go) does in
// FinalizeBlock.
package ante
