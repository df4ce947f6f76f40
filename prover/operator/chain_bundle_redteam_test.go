package operator

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// R8-1 on the real app (docs/notes/i19-redteam.md): a bundle whose fee
// payer is the caller, with the caller's whole balance as the fee, is a
// valid transaction once every member signed it (the ante takes the fee
// from the caller), and the caller's checkBundle passes it when the
// leader's round info named the caller as "leader".
func TestRedteam_R8_1_BundlePaidByTheCallerDrainsIt(t *testing.T) {
	f := newBundleFixture(t, 2)
	own, ex := f.batch(0, 1), f.batch(1, 1) // caller 0, leader 1
	fee := sdk.NewCoins(sdk.NewCoin(app.BondDenom, apptest.InitialBalance))
	u := unsignedBundle{Batches: []*types.MsgSubmitBatch{own, ex}, PubKeys: f.pubKeys(0, 1),
		Sequences: map[string]uint64{f.addr(0): 0, f.addr(1): 0},
		FeePayer:  f.chain.Accounts[0].Address, GasLimit: 200_000, Fee: fee, TimeoutHeight: 100, Memo: "sync:ex/7"}
	bz, err := buildUnsignedBundle(f.txCfg, u)
	require.NoError(t, err)
	signers := []string{f.addr(0), f.addr(1)}
	signed := withSigs(t, bz, signers, f.signAll(t, bz, signers))
	require.NoError(t, f.ante(t, signed), "the chain takes the caller's whole balance as the bundle's fee")

	info, err := inspectBundle(f.txCfg, bz)
	require.NoError(t, err)
	mark := &syncMark{Role: syncRoleCaller, Leader: f.addr(0), ExpiryHeight: 100} // the leader's GET /v1/sync/round said so
	require.ErrorIs(t, checkBundle(info, own, mark, f.addr(0)), errBundleRefused,
		"the caller signs a bundle that pays %s from its own account", fee)
}

// R8-9: what a member signs is the whole body and auth_info, but
// BundleInfo / checkBundle look only at the messages, the fee payer and
// the timeout height: a fee granter, an unordered flag, a timeout
// timestamp (and extension options) pass unseen. Harmless on this chain
// today (no x/feegrant, unordered transactions off, critical extension
// options refused by the ante); a chain upgrade that enables any of them
// turns the member's signature into something it never checked.
func TestRedteam_R8_9_CheckBundleSeesEveryFieldItSigns(t *testing.T) {
	f := newBundleFixture(t, 2)
	own, ex := f.batch(0, 1), f.batch(1, 1)
	u := unsignedBundle{Batches: []*types.MsgSubmitBatch{own, ex}, PubKeys: f.pubKeys(0, 1),
		Sequences: map[string]uint64{f.addr(0): 0, f.addr(1): 0},
		FeePayer:  f.chain.Accounts[1].Address, GasLimit: 200_000,
		Fee: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(200))), TimeoutHeight: 100}
	bz, err := buildUnsignedBundle(f.txCfg, u)
	require.NoError(t, err)
	var raw txtypes.TxRaw
	require.NoError(t, raw.Unmarshal(bz))
	var body txtypes.TxBody
	require.NoError(t, body.Unmarshal(raw.BodyBytes))
	body.Unordered = true
	var auth txtypes.AuthInfo
	require.NoError(t, auth.Unmarshal(raw.AuthInfoBytes))
	auth.Fee.Granter = f.addr(0) // the member's allowance, were x/feegrant on
	raw.BodyBytes, err = body.Marshal()
	require.NoError(t, err)
	raw.AuthInfoBytes, err = auth.Marshal()
	require.NoError(t, err)
	odd, err := raw.Marshal()
	require.NoError(t, err)

	signers := []string{f.addr(0), f.addr(1)}
	err = f.ante(t, withSigs(t, odd, signers, f.signAll(t, odd, signers)))
	require.Error(t, err, "this chain refuses it today")
	t.Logf("the ante today: %v", err)

	info, err := inspectBundle(f.txCfg, odd)
	require.NoError(t, err)
	mark := &syncMark{Role: syncRoleCaller, Leader: f.addr(1), ExpiryHeight: 100}
	require.ErrorIs(t, checkBundle(info, own, mark, f.addr(0)), errBundleRefused,
		"a bundle with a fee granter (the member) and the unordered flag is signed unseen")
}
