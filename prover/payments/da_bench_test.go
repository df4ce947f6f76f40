package payments

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// BenchmarkDABytesPerTransfer measures what a full batch of transfers
// posts on L1, amortised per transfer, for 16 and 64 slots:
//   - data-B/transfer: the batch data (the DA hash covers exactly this);
//   - msg-B/transfer: the whole MsgSubmitBatch as encoded in the tx
//     (data, new root, outbox with the fee withdrawal, ids, index, and a
//     proof of the payments circuit's length), i.e. data plus the fixed
//     per-batch overhead.
//
// The proof length follows from the compiled circuit's commitment count
// (gnark's LogUp lookups add one), so the circuit is compiled once at
// depth 8 (the depth does not change the count).
//
//	go test ./prover/payments/ -run '^$' -bench BenchmarkDABytesPerTransfer -benchtime 1x
func BenchmarkDABytesPerTransfer(b *testing.B) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(Params{Depth: 8, Slots: 1}))
	require.NoError(b, err)
	g1Bytes := (verifier.MaxProofSize - verifier.ProofSize) / verifier.MaxCommitments
	proofBytes := verifier.ProofSize + g1Bytes*len(cs.GetCommitments().CommitmentIndexes())
	submitter, err := bech32.ConvertAndEncode("native", l1Addr(0x88))
	require.NoError(b, err)

	for _, slots := range []int{16, 64} {
		b.Run(fmt.Sprintf("slots=%d", slots), func(b *testing.B) {
			r := newRollup(b, Params{Depth: 8, Slots: slots})
			alice := testKey(2)
			r.deposit(testKey(1).Public, 1)
			r.deposit(alice.Public, 1_000_000_000)
			r.build()
			var txs []Tx
			for n := range uint32(slots) {
				txs = append(txs, r.resign(alice, r.transfer(alice, 1, 0, 1000, 1), n))
			}
			batch := r.build(txs...)
			require.Len(b, batch.Included, slots)
			for b.Loop() { // the timed part is only the data encoding
				_ = EncodeData(batch.Records)
			}
			outbox, err := batch.EncodedOutbox()
			require.NoError(b, err)
			msg := types.MsgSubmitBatch{
				Submitter: submitter, RollupId: testRollupID, BatchIndex: batch.Commitment.BatchIndex,
				NewStateRoot: protocol.StateRootBytes(batch.NewRoot), Data: batch.Data,
				InboxConsumed: batch.InboxConsumed, Outbox: outbox, Proof: bytes.Repeat([]byte{1}, proofBytes),
				L2TxCount: uint64(len(batch.Included)),
			}
			b.ReportMetric(float64(len(batch.Data))/float64(slots), "data-B/transfer")
			b.ReportMetric(float64(msg.Size())/float64(slots), "msg-B/transfer")
			b.ReportMetric(float64(msg.Size()-len(batch.Data)), "overhead-B/batch")
			b.ReportMetric(float64(proofBytes), "proof-B")
		})
	}
}
