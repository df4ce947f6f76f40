package operator

import (
	"errors"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	protov2 "google.golang.org/protobuf/proto"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// msgsTx is a decoded transaction of a block: its messages only.
type msgsTx []sdk.Msg

func (t msgsTx) GetMsgs() []sdk.Msg                    { return t }
func (t msgsTx) GetMsgsV2() ([]protov2.Message, error) { return nil, nil }

// The record and message of a verified batch come from the transaction
// that verified it: a failed transaction earlier in the block carrying the
// same data with another outbox and submitter (it verified nothing, and
// the chain emitted no Batch event for it) is never taken.
func TestPostedIn_TakesTheSuccessfulTransactionOnly(t *testing.T) {
	data := []byte("batch data")
	good := &types.MsgSubmitBatch{Submitter: "winner", RollupId: "pay", BatchIndex: 7, Data: data, Outbox: []byte{0}, L2TxCount: 3}
	bad := &types.MsgSubmitBatch{Submitter: "loser", RollupId: "pay", BatchIndex: 7, Data: data, Outbox: []byte{1, 2}, L2TxCount: 9}
	rec := types.Batch{RollupId: "pay", Index: 7, DaHash: protocol.FieldElementBytes(protocol.DAHash(data)),
		NewStateRoot: make([]byte, 32), OutboxHash: []byte{0xaa}, Submitter: "winner", L2TxCount: 3, Height: 40}
	sev, err := sdk.TypedEventToEvent(&rec)
	ev := abci.Event(sev)
	require.NoError(t, err)
	txs := map[string]msgsTx{"bad": {bad}, "good": {good}, "other": {&types.MsgSubmitBatch{RollupId: "pay", BatchIndex: 7}}}
	decode := func(raw []byte) (sdk.Tx, error) {
		if tx, ok := txs[string(raw)]; ok {
			return tx, nil
		}
		return nil, errors.New("not ours")
	}
	query := types.Batch{RollupId: "pay", Index: 7, DaHash: rec.DaHash, Height: 40}

	// The failed transaction even carries the event (a node must not be
	// trusted to have dropped it): its result code alone disqualifies it.
	p, err := postedIn([][]byte{[]byte("junk"), []byte("bad"), []byte("good")},
		[]*abci.ExecTxResult{{}, {Code: 7, Events: []abci.Event{ev}}, {Events: []abci.Event{ev}}}, decode, query)
	require.NoError(t, err)
	require.Same(t, good, p.Msg)
	require.Equal(t, rec, p.Record)

	_, err = postedIn([][]byte{[]byte("bad")}, []*abci.ExecTxResult{{Code: 7, Events: []abci.Event{ev}}}, decode, query)
	require.ErrorContains(t, err, "no successful transaction verified batch 7")

	// A successful transaction without the batch's event is not the one.
	_, err = postedIn([][]byte{[]byte("good")}, []*abci.ExecTxResult{{}}, decode, query)
	require.ErrorContains(t, err, "no successful transaction verified batch 7")

	// The event of another batch index does not match.
	other := query
	other.Index = 8
	_, err = postedIn([][]byte{[]byte("good")}, []*abci.ExecTxResult{{Events: []abci.Event{ev}}}, decode, other)
	require.Error(t, err)

	_, err = postedIn([][]byte{[]byte("good")}, nil, decode, query)
	require.ErrorContains(t, err, "1 transactions but 0 results")
}
