package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestRegisterRollup_StoresTheExitLayout(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}, f.rollup(t, rollupID).ExitLayout)
}

func TestRegisterRollup_EmptyExitLayoutIsStoredAsNone(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	require.Nil(t, f.rollup(t, rollupID).ExitLayout)
}

func TestRegisterRollup_RefusesABadExitLayoutWithoutSideEffects(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot(t, rollupID)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 0, Denom: "unat"}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.ErrorIs(t, err, types.ErrInvalidExitLayout)
	require.Equal(t, before, f.snapshot(t, rollupID))
}

func TestRegisterRollup_StoresATwoDenomExitLayout(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "exchange-v1", Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}
	msg.GenesisStateRoot = exchangeEmptyRoot(msg.ExitLayout)

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, &types.ExitLayout{Name: "exchange-v1", Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}, f.rollup(t, rollupID).ExitLayout)
}

func TestRegisterRollup_RefusesAQuoteDenomOnPaymentsV1WithoutSideEffects(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot(t, rollupID)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.ErrorIs(t, err, types.ErrInvalidExitLayout)
	require.Equal(t, before, f.snapshot(t, rollupID))
}

// The quote denom is an added proto field: a one-denom layout encodes to
// the bytes it had before the field existed, so records stored by the
// previous version read back unchanged (no store migration,
// docs/decisions.md, "Two-denom exit layouts without a consensus version bump").
func TestExitLayout_OneDenomEncodingIsUnchangedByTheQuoteDenom(t *testing.T) {
	one := types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}
	bz, err := one.Marshal()
	require.NoError(t, err)
	// field 1 "payments-v1", field 2 varint 20, field 3 "unat": nothing else.
	want := append(append([]byte{0x0a, 11}, "payments-v1"...), 0x10, 20, 0x1a, 4)
	want = append(want, "unat"...)
	require.Equal(t, want, bz)

	two := types.ExitLayout{Name: "exchange-v1", Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}
	bz, err = two.Marshal()
	require.NoError(t, err)
	var back types.ExitLayout
	require.NoError(t, back.Unmarshal(bz))
	require.Equal(t, two, back)
}

func TestGenesis_RoundTripsATwoDenomExitLayout(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "exchange-v1", Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}
	msg.GenesisStateRoot = exchangeEmptyRoot(msg.ExitLayout)
	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())

	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	require.Equal(t, "uusdc", imported.rollup(t, rollupID).ExitLayout.QuoteDenom)
	reexported, err := imported.keeper.ExportGenesis(imported.ctx)
	require.NoError(t, err)
	want, err := exported.Marshal()
	require.NoError(t, err)
	got, err := reexported.Marshal()
	require.NoError(t, err)
	require.Equal(t, want, got)

	// A genesis whose exchange-v1 layout lost its quote denom is refused.
	exported.Rollups[0].ExitLayout.QuoteDenom = ""
	require.ErrorIs(t, exported.Validate(), types.ErrInvalidExitLayout)
}

// exchangeEmptyRoot is the genesis root x/rollups requires of an
// exchange-v1 registration: the empty state of its layout.
func exchangeEmptyRoot(l *types.ExitLayout) []byte {
	return protocol.StateRootBytes(exchangev1.EmptyRoot(l.Depth, exchangev1.Pair{Base: l.Denom, Quote: l.QuoteDenom}))
}

// Red team 6, R6-2: an exchange-v1 registration must start from the empty
// state of its layout, so its denoms (in their order) and depth are those
// of the circuit whose first batch opens that root. A root made for the
// other order, another depth or anything else is refused, and nothing is
// escrowed.
func TestRegisterRollup_ExchangeStartsFromTheEmptyStateOfItsLayout(t *testing.T) {
	layout := &types.ExitLayout{Name: "exchange-v1", Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}
	for name, root := range map[string][]byte{
		"root of the swapped denoms": protocol.StateRootBytes(exchangev1.EmptyRoot(4, exchangev1.Pair{Base: "uusdc", Quote: "unat"})),
		"root of another depth":      protocol.StateRootBytes(exchangev1.EmptyRoot(5, exchangev1.Pair{Base: "unat", Quote: "uusdc"})),
		"any other root":             protocol.StateRootBytes(protocol.TagElement("not empty")),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			msg := f.registerMsg(t, rollupID)
			msg.ExitLayout, msg.GenesisStateRoot = layout, root
			_, err := f.msgServer.RegisterRollup(f.ctx, msg)
			require.ErrorIs(t, err, types.ErrInvalidExitLayout)
			_, err = f.keeper.GetRollup(f.ctx, rollupID)
			require.Error(t, err, "nothing registered")
		})
	}
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout, msg.GenesisStateRoot = layout, exchangeEmptyRoot(layout)
	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
}
