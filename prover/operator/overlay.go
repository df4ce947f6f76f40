package operator

import (
	"errors"
	"sort"

	dbm "github.com/cosmos/cosmos-db"
)

// overlayDB is an in-memory layer of writes over a base database: reads
// see the layer first, writes never reach the base until flushTo. The
// rollup state is built on it so that a batch's effect on the verified
// state lands in the operator's database in one atomic write, together
// with the record that says which batch the state is at: a crash in the
// middle of BuildBatch can never leave a half-applied state on disk.
//
// It implements only what a kind's state may use (rollupkit.Rollup.Open: point
// reads and writes and write batches); iteration is refused.
type overlayDB struct {
	base   dbm.DB
	writes map[string][]byte // nil value: deleted
}

var errOverlayIteration = errors.New("operator: overlay database does not iterate")

func newOverlay(base dbm.DB) *overlayDB {
	return &overlayDB{base: base, writes: map[string][]byte{}}
}

func (o *overlayDB) Get(key []byte) ([]byte, error) {
	if v, ok := o.writes[string(key)]; ok {
		if v == nil {
			return nil, nil
		}
		return append([]byte(nil), v...), nil
	}
	return o.base.Get(key)
}

func (o *overlayDB) Has(key []byte) (bool, error) {
	v, err := o.Get(key)
	return v != nil, err
}

func (o *overlayDB) Set(key, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	o.writes[string(key)] = append([]byte{}, value...)
	return nil
}

func (o *overlayDB) SetSync(key, value []byte) error { return o.Set(key, value) }

func (o *overlayDB) Delete(key []byte) error {
	o.writes[string(key)] = nil
	return nil
}

func (o *overlayDB) DeleteSync(key []byte) error { return o.Delete(key) }

func (o *overlayDB) Iterator(_, _ []byte) (dbm.Iterator, error) { return nil, errOverlayIteration }

func (o *overlayDB) ReverseIterator(_, _ []byte) (dbm.Iterator, error) {
	return nil, errOverlayIteration
}

func (o *overlayDB) Close() error { return nil }

func (o *overlayDB) NewBatch() dbm.Batch { return &overlayBatch{db: o} }

func (o *overlayDB) NewBatchWithSize(int) dbm.Batch { return o.NewBatch() }

func (o *overlayDB) Print() error { return nil }

func (o *overlayDB) Stats() map[string]string { return map[string]string{} }

// size is the number of buffered writes.
func (o *overlayDB) size() int { return len(o.writes) }

// flushTo adds the buffered writes to b in key order (deterministic), each
// key prefixed.
func (o *overlayDB) flushTo(b dbm.Batch, prefix []byte) error {
	keys := make([]string, 0, len(o.writes))
	for k := range o.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		full := append(append([]byte(nil), prefix...), k...)
		if v := o.writes[k]; v == nil {
			if err := b.Delete(full); err != nil {
				return err
			}
		} else if err := b.Set(full, v); err != nil {
			return err
		}
	}
	return nil
}

type overlayOp struct {
	key, value []byte
	del        bool
}

// overlayBatch applies its writes to the overlay on Write, all at once.
type overlayBatch struct {
	db  *overlayDB
	ops []overlayOp
}

func (b *overlayBatch) Set(key, value []byte) error {
	b.ops = append(b.ops, overlayOp{key: append([]byte(nil), key...), value: append([]byte{}, value...)})
	return nil
}

func (b *overlayBatch) Delete(key []byte) error {
	b.ops = append(b.ops, overlayOp{key: append([]byte(nil), key...), del: true})
	return nil
}

func (b *overlayBatch) Write() error {
	for _, op := range b.ops {
		if op.del {
			_ = b.db.Delete(op.key)
		} else {
			_ = b.db.Set(op.key, op.value)
		}
	}
	b.ops = nil
	return nil
}

func (b *overlayBatch) WriteSync() error { return b.Write() }

func (b *overlayBatch) Close() error { b.ops = nil; return nil }

func (b *overlayBatch) GetByteSize() (int, error) {
	n := 0
	for _, op := range b.ops {
		n += len(op.key) + len(op.value)
	}
	return n, nil
}
