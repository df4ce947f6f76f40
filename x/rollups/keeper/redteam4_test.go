package keeper_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// denseOutbox is the outbox that costs the most hashing per posted byte:
// MaxOutboxEntries cross-rollup messages with one-byte addresses, no value
// and no payload (12 bytes each). Each entry is hashed with five digests
// and a chain of six elements, so a posted outbox byte costs about 37
// times the hashing of a data byte (red team 4, R4-1).
func denseOutbox(tb testing.TB) []byte {
	entries := make([]protocol.OutboxEntry, protocol.MaxOutboxEntries)
	for i := range entries {
		entries[i] = protocol.OutboxEntry{
			Kind: protocol.OutboxKindCrossRollupMessage, Sender: []byte{1}, Recipient: []byte{2}, DestRollupID: "abc",
		}
	}
	bz, err := protocol.EncodeOutbox(entries)
	require.NoError(tb, err)
	return bz
}

// Red team 4, R4-1: gas_per_da_byte (5) was derived from the DA hash of
// data bytes and charged alike on outbox bytes, but an outbox is hashed per
// entry: 1,024 entries of 12 bytes took 110 ms against 3 ms for the DA hash
// of as many data bytes, and 209 us for a secp256k1 check (1,000 gas), so
// about 520 gas an entry (BenchmarkRedTeam4_DenseOutboxHash). planBatch
// computes the outbox hash before the proof is verified, uncached, in
// CheckTx (free when the proof then fails), ProcessProposal, PreBlock and
// FinalizeBlock. A batch must pay for every entry it makes the chain hash:
// the dense outbox must cost at least 500 gas an entry more than as many
// data bytes.
func TestRedTeam4_DenseOutboxPaysForItsEntryHashing(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	base := f.nextBatch(t, rollupID)
	dense := denseOutbox(t)

	withOutbox := *base
	withOutbox.Outbox = dense
	withData := *base
	withData.Data = append(bytes.Clone(base.Data), make([]byte, len(dense))...)

	gas := func(msg *types.MsgSubmitBatch) uint64 {
		ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
		// The statement no longer matches the proof: the gas is what the
		// chain charged before finding that out.
		require.ErrorIs(t, f.keeper.CheckBatch(ctx, msg), verifier.ErrProofInvalid)
		return ctx.GasMeter().GasConsumed()
	}
	outboxGas, dataGas := gas(&withOutbox), gas(&withData)
	require.GreaterOrEqual(t, outboxGas, dataGas+uint64(protocol.MaxOutboxEntries)*500,
		"a %d-byte outbox of %d entries is charged %d gas, as many data bytes %d", len(dense), protocol.MaxOutboxEntries, outboxGas, dataGas)
}

// BenchmarkRedTeam4_DenseOutboxHash decodes and hashes the dense outbox, as
// planBatch does. Compare with BenchmarkRedTeam4_DAHashSameBytes and the
// internal BenchmarkSecp256k1Verify (1,000 gas):
//
//	go test -run '^$' -bench 'RedTeam4|Secp256k1' -count 3 ./x/rollups/keeper/
func BenchmarkRedTeam4_DenseOutboxHash(b *testing.B) {
	bz := denseOutbox(b)
	b.ResetTimer()
	for range b.N {
		out, err := protocol.DecodeOutbox(bz)
		if err != nil {
			b.Fatal(err)
		}
		_ = protocol.OutboxHash(out)
	}
}

// BenchmarkRedTeam4_DAHashSameBytes is the DA hash of as many bytes as the
// dense outbox has.
func BenchmarkRedTeam4_DAHashSameBytes(b *testing.B) {
	data := make([]byte, len(denseOutbox(b)))
	for i := range data {
		data[i] = byte(i)
	}
	b.ResetTimer()
	for range b.N {
		_ = protocol.DAHash(data)
	}
}

// Red team 4, R4-2: the rollup record was split (issue 17) into Rollups
// (hot) and RollupInfos (cold, new prefix 8) with no store migration and
// ConsensusVersion still 1, and registration asked only RollupInfos
// whether an id is taken. On a store written before the split (an
// in-place upgrade through x/upgrade), every existing rollup is in Rollups
// alone: anyone could register its id again, with their own key and admin,
// over the rollup whose bridge ledger still holds its users' funds.
// Registration must refuse an id that either part of the record holds.
func TestRedTeam4_RegistrationRefusesAnIdTheHotPartHolds(t *testing.T) {
	f := newFixture(t)
	victim := f.register(t, rollupID)
	// The store as a pre-split binary left it: the whole record under
	// Rollups, nothing under RollupInfos.
	require.NoError(t, f.keeper.RollupInfos.Remove(f.ctx, rollupID))
	require.NoError(t, f.keeper.Rollups.Set(f.ctx, rollupID, victim))
	hot, err := f.keeper.Rollups.Get(f.ctx, rollupID)
	require.NoError(t, err)

	_, err = f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, rollupID))
	require.ErrorIs(t, err, types.ErrRollupExists)
	after, err := f.keeper.Rollups.Get(f.ctx, rollupID)
	require.NoError(t, err)
	require.Equal(t, hot, after, "the record is untouched")
}
