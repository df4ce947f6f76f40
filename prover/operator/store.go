package operator

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"sync"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Key layout of the operator database (one goleveldb under <home>/data):
//
//	s/...            the rollup state at the last verified batch (the kind's state)
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
// What the builder sets (index, inputs, roots, data, outbox, BuiltAt)
// never changes and may be read by any part holding the record; the
// rest (status, proof, submission, inclusion) changes only inside the
// store's methods, under its lock.
type batchRecord struct {
	Index         uint64            `json:"index"`
	Status        BatchStatus       `json:"status"`
	InboxBefore   []byte            `json:"inbox_before"`
	InboxAfter    []byte            `json:"inbox_after"`
	InboxFrom     uint64            `json:"inbox_from"` // sequence of the first consumed message
	Inbox         [][]byte          `json:"inbox"`      // consumed inbox messages (types.InboxMessage, protobuf)
	TxSeqs        []uint64          `json:"tx_seqs"`    // mempool sequences of the included txs, in order
	TxIDs         []string          `json:"tx_ids"`
	Txs           []json.RawMessage `json:"txs"` // the kind's wire form
	PrevRoot      []byte            `json:"prev_root"`
	NewRoot       []byte            `json:"new_root"`
	Data          []byte            `json:"data"`
	Outbox        []byte            `json:"outbox"`
	InboxConsumed uint64            `json:"inbox_consumed"`
	L2TxCount     uint64            `json:"l2_tx_count"`
	Proof         []byte            `json:"proof,omitempty"`
	TxHash        string            `json:"tx_hash,omitempty"`
	// TxBatches is how many batches the transaction TxHash carries (0 or
	// 1: this one alone): a failed transaction of several is resent one
	// batch per transaction, so the batch at fault is told apart.
	TxBatches   int    `json:"tx_batches,omitempty"`
	Height      int64  `json:"height,omitempty"`
	GasUsed     int64  `json:"gas_used,omitempty"`
	Reason      string `json:"reason,omitempty"`
	BuiltAt     int64  `json:"built_at"` // unix milliseconds
	ProvenAt    int64  `json:"proven_at,omitempty"`
	ProveMillis int64  `json:"prove_ms,omitempty"`
	SubmittedAt int64  `json:"submitted_at,omitempty"`
	VerifiedAt  int64  `json:"verified_at,omitempty"`
	// Followed: another operator built this batch (Submitter); this
	// operator applied it from the chain's data.
	Followed  bool   `json:"followed,omitempty"`
	Submitter string `json:"submitter,omitempty"`
	// Sync is the batch's part in a synchronous-call round (sync.go);
	// nil for an ordinary batch.
	Sync *syncMark `json:"sync,omitempty"`
}

// mempoolEntry is an accepted transaction. Its Batch changes only inside
// the store's methods, which the builder's lock serializes.
type mempoolEntry struct {
	Seq        uint64          `json:"seq"`
	ID         string          `json:"id"`
	Tx         json.RawMessage `json:"tx"`          // the kind's canonical wire form
	AcceptedAt int64           `json:"accepted_at"` // unix milliseconds
	Batch      uint64          `json:"batch"`       // 0 while pending
	// tx is Tx decoded by the kind (nil if it no longer decodes: such an
	// entry is never built into a batch), with what the mempool orders it
	// by (setTx).
	tx      rollupkit.Tx
	from    string
	fee     *big.Int
	credits []string
}

// setTx sets the decoded transaction (nil: it does not decode).
func (e *mempoolEntry) setTx(tx rollupkit.Tx) {
	e.tx, e.from, e.fee, e.credits = tx, "", new(big.Int), nil
	if tx != nil {
		e.from, e.fee, e.credits = tx.Sender(), tx.Fee(), tx.Credits()
	}
}

// sender is the entry's sender key ("" when tx is nil).
func (e *mempoolEntry) sender() string { return e.from }

// txFinal is the status of a transaction that left the mempool.
type txFinal struct {
	Status string        `json:"status"` // "verified" or "rejected"
	Batch  uint64        `json:"batch,omitempty"`
	Reason string        `json:"reason,omitempty"`
	Sync   *SyncTxStatus `json:"sync,omitempty"`
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

// store is the operator's database and its mirror in memory: the rollup
// state at the last verified batch (base), the mempool, and a record per
// unverified batch. Every change is one atomic write of the database
// followed by the same change in memory, so a crash leaves the database at
// one side of it; the head state is never stored (the builder rebuilds it
// from the records). Changes to which batches and transactions exist come
// from the builder, the follower and the submitter, each holding the
// builder's lock (the head moves with them); the status of a batch
// changes under the store's lock alone (proving, the submitter).
type store struct {
	*env
	db   dbm.DB
	base dbm.DB // prefixState view of db: the verified state

	mu        sync.Mutex
	verified  uint64
	records   map[uint64]*batchRecord // unverified batches
	mempool   map[uint64]*mempoolEntry
	byID      map[string]*mempoolEntry
	nextSeq   uint64
	verifiedN uint64
}

func newStore(e *env, db dbm.DB) *store {
	return &store{env: e, db: db, base: dbm.NewPrefixDB(db, prefixState), records: map[uint64]*batchRecord{},
		mempool: map[uint64]*mempoolEntry{}, byID: map[string]*mempoolEntry{}}
}

func (s *store) checkParams() error {
	want := s.opts.RollupID + " " + s.kind.Summary().StoreTag
	bz, err := s.db.Get(keyParams)
	if err != nil {
		return err
	}
	if bz == nil {
		return s.db.SetSync(keyParams, []byte(want))
	}
	if string(bz) != want {
		return fmt.Errorf("operator: the database holds rollup %q, not %q: use another --home", bz, want)
	}
	return nil
}

func (s *store) load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.verified, err = getUint64(s.db, keyVerified); err != nil {
		return err
	}
	if s.nextSeq, err = getUint64(s.db, keySeq); err != nil {
		return err
	}
	entries, err := loadPrefix[mempoolEntry](s.db, prefixMempool)
	if err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		tx, err := s.kind.DecodeTx(e.Tx)
		if err != nil {
			s.log.Warn("a stored mempool transaction no longer decodes; it stays out of batches", "id", e.ID, "err", err)
			tx = nil
		}
		e.setTx(tx)
		s.mempool[e.Seq] = e
		s.byID[e.ID] = e
	}
	recs, err := loadPrefix[batchRecord](s.db, prefixBatch)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if r.Index > s.verified {
			s.records[r.Index] = r
		}
	}
	s.log.Info("loaded operator database", "verified", s.verified, "unverified_batches", len(s.records), "mempool", len(s.mempool))
	return nil
}

// resumeInFlight readies the batches a restart finds in flight: a batch
// that was submitted may still be in a node's mempool or lost, so the
// submitter checks the chain before it sends it again. It returns the halt
// a rejected batch calls for ("" if none).
func (s *store) resumeInFlight() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	halted := ""
	for _, r := range s.records {
		if r.Status == BatchSubmitted {
			r.Status = BatchProven
		}
		if r.Status == BatchRejected && halted == "" {
			halted = fmt.Sprintf("batch %d was rejected: %s (restart with --discard-unverified to rebuild from the last verified batch)", r.Index, r.Reason)
		}
	}
	return halted
}

// ---------------------------------------------------------------------------
// reads

func (s *store) verifiedIndex() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified
}

// inFlight is the number of unverified batches.
func (s *store) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// nextIndex is the index of the next batch to build.
func (s *store) nextIndex() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified + uint64(len(s.records)) + 1
}

func (s *store) record(index uint64) (*batchRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[index]
	return r, ok
}

// unverified are the unverified batches in index order, with their
// statuses as they are now.
func (s *store) unverified() ([]*batchRecord, []BatchStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.unverifiedIndices()
	recs, st := make([]*batchRecord, len(idx)), make([]BatchStatus, len(idx))
	for i, index := range idx {
		recs[i], st[i] = s.records[index], s.records[index].Status
	}
	return recs, st
}

// nextToSubmit is the lowest unverified batch, with a copy of it as it is
// now.
func (s *store) nextToSubmit() (*batchRecord, batchRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[s.verified+1]
	if !ok {
		return nil, batchRecord{}, false
	}
	return rec, *rec, true
}

// snapshot is the unverified batch at index, with a copy of it as it is
// now.
func (s *store) snapshot(index uint64) (*batchRecord, batchRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[index]
	if !ok {
		return nil, batchRecord{}, false
	}
	return rec, *rec, true
}

// sameTx are the unverified batches submitted in the transaction hash, in
// index order.
func (s *store) sameTx(hash string) []*batchRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*batchRecord
	for _, i := range s.unverifiedIndices() {
		if r := s.records[i]; r.Status == BatchSubmitted && r.TxHash == hash {
			out = append(out, r)
		}
	}
	return out
}

// inclusion is what the submitter learned of rec's transaction.
func (s *store) inclusion(rec *batchRecord) (gasUsed int64, txHash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return rec.GasUsed, rec.TxHash
}

// unverifiedIndices are the unverified batches' indices, ascending. Caller
// holds mu.
func (s *store) unverifiedIndices() []uint64 {
	idx := make([]uint64, 0, len(s.records))
	for i := range s.records {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	return idx
}

// pendingEntries are the accepted transactions not in any batch, in
// acceptance order.
func (s *store) pendingEntries() []*mempoolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pendingLocked()
}

func (s *store) pendingLocked() []*mempoolEntry {
	var out []*mempoolEntry
	for _, e := range s.mempool {
		if e.Batch == 0 {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	return out
}

func (s *store) pendingCount() int { return len(s.pendingEntries()) }

// mempoolEntries are all accepted transactions not yet verified, in
// acceptance order.
func (s *store) mempoolEntries() []*mempoolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	seqs := make([]uint64, 0, len(s.mempool))
	for seq := range s.mempool {
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(a, b int) bool { return seqs[a] < seqs[b] })
	out := make([]*mempoolEntry, len(seqs))
	for i, seq := range seqs {
		out[i] = s.mempool[seq]
	}
	return out
}

func (s *store) mempoolSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.mempool)
}

// entries are the mempool entries of seqs that are still there.
func (s *store) entries(seqs []uint64) []*mempoolEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*mempoolEntry
	for _, seq := range seqs {
		if e, ok := s.mempool[seq]; ok {
			out = append(out, e)
		}
	}
	return out
}

// unverifiedFrom counts the accepted transactions of sender that no
// verified batch holds yet.
func (s *store) unverifiedFrom(sender string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.mempool {
		if e.sender() == sender {
			n++
		}
	}
	return n
}

// txStatus reports where a transaction is.
func (s *store) txStatus(id string) (TxStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byID[id]; ok {
		if e.Batch == 0 {
			return TxStatus{ID: id, Status: "pending"}, nil
		}
		st := "built"
		var sync *SyncTxStatus
		if r, ok := s.records[e.Batch]; ok {
			st, sync = string(r.Status), r.Sync.txStatus()
		}
		return TxStatus{ID: id, Status: st, Batch: e.Batch, Sync: sync}, nil
	}
	var f txFinal
	ok, err := getJSON(s.db, txFinalKey(id), &f)
	if err != nil {
		return TxStatus{}, apiErr(CodeInternal, "%v", err)
	}
	if !ok {
		return TxStatus{}, apiErr(CodeNotFound, "no transaction %s", id)
	}
	return TxStatus{ID: id, Status: f.Status, Batch: f.Batch, Reason: f.Reason, Sync: f.Sync}, nil
}

// status fills the store's part of a Status.
func (s *store) status(st *Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := len(s.pendingLocked())
	st.LastVerified, st.LastBuilt, st.LastProven, st.LastSubmitted = s.verified, s.verified, s.verified, s.verified
	st.MempoolPending, st.InFlightTxs, st.BatchesVerified = pending, len(s.mempool)-pending, s.verifiedN
	for _, i := range s.unverifiedIndices() {
		r := s.records[i]
		st.LastBuilt = i
		switch r.Status {
		case BatchProven:
			st.LastProven = i
		case BatchSubmitted:
			st.LastProven, st.LastSubmitted = i, i
		}
	}
	if vs, err := s.kind.Open(s.base); err == nil {
		if r, err := vs.Root(); err == nil {
			st.StateRoot = fmt.Sprintf("%x", protocol.StateRootBytes(r))
		}
	}
}

// setGauges sets the store's gauges.
func (s *store) setGauges(m *metrics) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.mempoolPending.Set(float64(len(s.pendingLocked())))
	m.inFlightBatches.Set(float64(len(s.records)))
	m.lastVerified.Set(float64(s.verified))
	last := s.verified
	for i := range s.records {
		last = max(last, i)
	}
	m.lastBuilt.Set(float64(last))
}
