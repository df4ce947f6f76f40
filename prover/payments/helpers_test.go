package payments

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/test"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

var testParams = Params{Depth: 8, Slots: 4}

const (
	testChainID  = "nativechain-1"
	testRollupID = "payments"
)

func testKey(i byte) *PrivateKey {
	var seed [32]byte
	seed[0] = i
	return NewPrivateKey(seed)
}

func l1Addr(i byte) []byte { return bytes.Repeat([]byte{i}, 20) }

// rollup is a test harness: a native state, its inbox and batch index.
type rollup struct {
	t      testing.TB
	s      *State
	inbox  []protocol.InboxEntry
	acc    fr.Element // stored accumulator before the first unconsumed entry
	next   int        // first unconsumed entry
	index  uint64
	domain fr.Element
}

func newRollup(t testing.TB, p Params) *rollup {
	s, err := OpenState(dbm.NewMemDB(), p)
	require.NoError(t, err)
	return &rollup{t: t, s: s, acc: protocol.InboxAccumulatorGenesis(), domain: paymentsv1.Domain(testChainID, testRollupID)}
}

func (r *rollup) deposit(to PublicKey, amount uint64) {
	r.inbox = append(r.inbox, protocol.InboxEntry{Sequence: uint64(len(r.inbox)), Kind: protocol.InboxKindDeposit,
		Sender: l1Addr(0x11), Recipient: to.Address(), Denom: DefaultDenom, Amount: protocol.NewUint128(amount)})
}

func (r *rollup) build(txs ...Tx) *Batch {
	r.t.Helper()
	b, err := r.s.BuildBatch(BatchContext{ChainID: testChainID, RollupID: testRollupID, BatchIndex: r.index,
		Submitter: l1Addr(0x88), InboxBefore: r.acc}, r.inbox[r.next:], txs)
	require.NoError(r.t, err)
	for i := uint64(0); i < b.InboxConsumed; i++ {
		r.acc = protocol.InboxAccumulate(r.acc, r.inbox[r.next])
		r.next++
	}
	require.Equal(r.t, r.acc, b.Commitment.InboxAfter)
	r.index++
	return b
}

func (r *rollup) transfer(k *PrivateKey, from, to uint32, amount, fee uint64) Tx {
	a, err := r.s.Account(from)
	require.NoError(r.t, err)
	amt, err := EncodeAmount(new(big.Int).SetUint64(amount))
	require.NoError(r.t, err)
	f, err := EncodeFee(new(big.Int).SetUint64(fee))
	require.NoError(r.t, err)
	b, err := r.s.Account(to) // the recipient's key (zero if none: the state refuses it)
	require.NoError(r.t, err)
	tx := Tx{Kind: KindTransfer, From: from, To: to, ToKey: b.Key, Amount: amt, Fee: f, Nonce: a.Nonce}
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}

func (r *rollup) withdraw(k *PrivateKey, from uint32, amount, fee uint64, l1 []byte) Tx {
	tx := r.transfer(k, from, 0, amount, fee)
	tx.Kind, tx.To, tx.Recipient = KindWithdraw, 0, l1
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}

func (r *rollup) send(k *PrivateKey, from uint32, amount, fee uint64, dest string, to []byte) Tx {
	tx := r.transfer(k, from, 0, amount, fee)
	tx.Kind, tx.To, tx.Recipient, tx.DestRollupID, tx.Payload = KindSend, 0, to, dest, []byte("memo")
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}

func solved(t *testing.T, p Params, b *Batch) error {
	t.Helper()
	return test.IsSolved(NewCircuit(p), b.Assignment, ecc.BN254.ScalarField())
}

// resign sets a transaction's nonce and signs it again.
func (r *rollup) resign(k *PrivateKey, tx Tx, nonce uint32) Tx {
	tx.Nonce = nonce
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}
