package operator

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	dbm "github.com/cosmos/cosmos-db"
)

// Key layout of the operator database (one goleveldb under <home>/data):
//
//	s/...            the rollup state at the last verified batch (payments.State)
//	p/<seq be64>     mempool: an accepted transaction, until its batch is verified
//	b/<index be64>   batch records: inputs, outputs, proof, status
//	t/<tx id>        final status of a transaction that left the mempool
//	m/verified       index of the last batch the chain verified (be64)
//	m/seq            next mempool sequence (be64)
//	m/params         the circuit params the state was created with
var (
	prefixState   = []byte("s/")
	prefixMempool = []byte("p/")
	prefixBatch   = []byte("b/")
	prefixTxFinal = []byte("t/")
	keyVerified   = []byte("m/verified")
	keySeq        = []byte("m/seq")
	keyParams     = []byte("m/params")
)

// BatchStatus is where a batch is in the pipeline.
type BatchStatus string

const (
	BatchBuilt     BatchStatus = "built"     // applied to the head state, waiting for its proof
	BatchProven    BatchStatus = "proven"    // proof ready, waiting for its turn on the chain
	BatchSubmitted BatchStatus = "submitted" // broadcast, waiting for inclusion
	BatchVerified  BatchStatus = "verified"  // the chain verified it: final
	BatchRejected  BatchStatus = "rejected"  // the chain refused it: the pipeline halts
)

// batchRecord is everything needed to rebuild, prove and resubmit a batch
// after a restart: the exact inputs BuildBatch consumed, and its outputs.
type batchRecord struct {
	Index         uint64      `json:"index"`
	Status        BatchStatus `json:"status"`
	InboxBefore   []byte      `json:"inbox_before"`
	InboxAfter    []byte      `json:"inbox_after"`
	InboxFrom     uint64      `json:"inbox_from"` // sequence of the first consumed message
	Inbox         [][]byte    `json:"inbox"`      // consumed inbox messages (types.InboxMessage, protobuf)
	TxSeqs        []uint64    `json:"tx_seqs"`    // mempool sequences of the included txs, in order
	TxIDs         []string    `json:"tx_ids"`
	Txs           []WireTx    `json:"txs"`
	PrevRoot      []byte      `json:"prev_root"`
	NewRoot       []byte      `json:"new_root"`
	Data          []byte      `json:"data"`
	Outbox        []byte      `json:"outbox"`
	InboxConsumed uint64      `json:"inbox_consumed"`
	L2TxCount     uint64      `json:"l2_tx_count"`
	Proof         []byte      `json:"proof,omitempty"`
	TxHash        string      `json:"tx_hash,omitempty"`
	Height        int64       `json:"height,omitempty"`
	GasUsed       int64       `json:"gas_used,omitempty"`
	Reason        string      `json:"reason,omitempty"`
	BuiltAt       int64       `json:"built_at"` // unix milliseconds
	ProvenAt      int64       `json:"proven_at,omitempty"`
	ProveMillis   int64       `json:"prove_ms,omitempty"`
	SubmittedAt   int64       `json:"submitted_at,omitempty"`
	VerifiedAt    int64       `json:"verified_at,omitempty"`
	// Followed: another operator built this batch (Submitter); this
	// operator applied it from the chain's data.
	Followed  bool   `json:"followed,omitempty"`
	Submitter string `json:"submitter,omitempty"`
}

// mempoolEntry is an accepted transaction.
type mempoolEntry struct {
	Seq        uint64 `json:"seq"`
	ID         string `json:"id"`
	Tx         WireTx `json:"tx"`
	AcceptedAt int64  `json:"accepted_at"` // unix milliseconds
	Batch      uint64 `json:"batch"`       // 0 while pending
}

// txFinal is the status of a transaction that left the mempool.
type txFinal struct {
	Status string `json:"status"` // "verified" or "rejected"
	Batch  uint64 `json:"batch,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func key(prefix []byte, suffix []byte) []byte {
	return append(append([]byte(nil), prefix...), suffix...)
}

func batchKey(index uint64) []byte { return key(prefixBatch, be64(index)) }
func mempoolKey(seq uint64) []byte { return key(prefixMempool, be64(seq)) }
func txFinalKey(id string) []byte  { return key(prefixTxFinal, []byte(id)) }

func setJSON(b dbm.Batch, k []byte, v any) error {
	bz, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Set(k, bz)
}

func getJSON(db dbm.DB, k []byte, v any) (bool, error) {
	bz, err := db.Get(k)
	if err != nil || bz == nil {
		return false, err
	}
	if err := json.Unmarshal(bz, v); err != nil {
		return false, fmt.Errorf("operator: corrupt record %q: %w", k, err)
	}
	return true, nil
}

func getUint64(db dbm.DB, k []byte) (uint64, error) {
	bz, err := db.Get(k)
	if err != nil || bz == nil {
		return 0, err
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("operator: corrupt counter %q", k)
	}
	return binary.BigEndian.Uint64(bz), nil
}

// loadPrefix decodes every JSON value under prefix, in key order.
func loadPrefix[T any](db dbm.DB, prefix []byte) ([]T, error) {
	it, err := dbm.IteratePrefix(db, prefix)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []T
	for ; it.Valid(); it.Next() {
		var v T
		if err := json.Unmarshal(it.Value(), &v); err != nil {
			return nil, fmt.Errorf("operator: corrupt record %q: %w", it.Key(), err)
		}
		out = append(out, v)
	}
	return out, it.Error()
}
