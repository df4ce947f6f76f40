package exchange

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

const (
	testChain  = "nativechain-test"
	testRollup = "dex"
)

type fixture struct {
	t     *testing.T
	p     Params
	s     *State
	keys  []*PrivateKey
	inbox uint64 // next inbox sequence
	acc   protocol.Uint128
	batch uint64
}

func mustOpen(t *testing.T, p Params) *State {
	s, err := OpenState(dbm.NewMemDB(), p)
	require.NoError(t, err)
	return s
}

func newFixture(t *testing.T, slots int) *fixture {
	p := Params{Depth: 4, Slots: slots}.WithDefaults()
	f := &fixture{t: t, p: p, s: mustOpen(t, p)}
	for i := range 3 {
		f.keys = append(f.keys, NewPrivateKey([32]byte{byte(i + 1)}))
	}
	return f
}

func amt(v int64) protocol.Uint128 { return protocol.NewUint128(uint64(v)) }

// deposit is an L1 deposit of v denom to key i.
func (f *fixture) deposit(i int, denom string, v int64) protocol.InboxEntry {
	e := protocol.InboxEntry{Sequence: f.inbox, Kind: protocol.InboxKindDeposit, Sender: []byte("l1-sender-0000000000"),
		Recipient: f.keys[i].Public.Address(), Denom: denom, Amount: amt(v)}
	f.inbox++
	return e
}

// call is an inbox entry of kind with payload and value.
func (f *fixture) call(kind protocol.InboxKind, denom string, v int64, payload []byte) protocol.InboxEntry {
	e := protocol.InboxEntry{Sequence: f.inbox, Kind: kind, Sender: []byte("caller"), Recipient: f.keys[2].Public.Address(),
		Denom: denom, Amount: amt(v), Payload: payload}
	if kind == protocol.InboxKindCrossRollupMessage {
		e.SourceRollupID = "payments"
	}
	f.inbox++
	return e
}

func (f *fixture) tx(i int, tx Tx) Tx {
	a, err := f.s.Account(uint32(i))
	require.NoError(f.t, err)
	tx.Account, tx.Nonce = uint32(i), a.Nonce+tx.Nonce // tx.Nonce: offset for several txs in a batch
	tx.Sign(f.keys[i], testChain, testRollup, f.p)
	return tx
}

func (f *fixture) build(inbox []protocol.InboxEntry, txs ...Tx) *rollupkit.Batch {
	b, err := f.s.BuildBatch(rollupkit.BatchContext{ChainID: testChain, RollupID: testRollup, BatchIndex: f.batch,
		Submitter: []byte("submitter"), InboxBefore: protocol.InboxAccumulatorGenesis()}, inbox, txs)
	require.NoError(f.t, err)
	f.batch++
	return b
}

func solved(t *testing.T, p Params, b *rollupkit.Batch) error {
	t.Helper()
	return test.IsSolved(NewCircuit(p), b.Assignment, ecc.BN254.ScalarField())
}

func big10(v int64) *big.Int { return big.NewInt(v) }
