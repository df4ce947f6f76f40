package apptest

import (
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// The recording stores of a traced chain: the block's multistore, its
// branches and every module store opened on them, each passing every call
// on and telling the trace which key it read or wrote. They sit under the
// gas KV store that sdk.Context.KVStore puts on top, so they see exactly
// the accesses that are charged.

type recordingMultiStore struct {
	storetypes.MultiStore
	trace *GasTrace
}

func (m recordingMultiStore) CacheMultiStore() storetypes.CacheMultiStore {
	return recordingCacheMultiStore{branch: m.MultiStore.CacheMultiStore(), trace: m.trace}
}

func (m recordingMultiStore) CacheWrap() storetypes.CacheWrap { return m.CacheMultiStore() }

func (m recordingMultiStore) GetKVStore(key storetypes.StoreKey) storetypes.KVStore {
	return recordKV(m.MultiStore.GetKVStore(key), key.Name(), storetypes.BytesValueLen, m.trace)
}

func (m recordingMultiStore) GetObjKVStore(key storetypes.StoreKey) storetypes.ObjKVStore {
	return recordKV(m.MultiStore.GetObjKVStore(key), key.Name(), storetypes.AnyValueLen[any], m.trace)
}

// branch names the embedded store: a field named CacheMultiStore would
// clash with the method.
type branch = storetypes.CacheMultiStore

type recordingCacheMultiStore struct {
	branch
	trace *GasTrace
}

func (m recordingCacheMultiStore) CacheMultiStore() storetypes.CacheMultiStore {
	return recordingCacheMultiStore{branch: m.branch.CacheMultiStore(), trace: m.trace}
}

func (m recordingCacheMultiStore) CacheWrap() storetypes.CacheWrap { return m.CacheMultiStore() }

func (m recordingCacheMultiStore) GetKVStore(key storetypes.StoreKey) storetypes.KVStore {
	return recordKV(m.branch.GetKVStore(key), key.Name(), storetypes.BytesValueLen, m.trace)
}

func (m recordingCacheMultiStore) GetObjKVStore(key storetypes.StoreKey) storetypes.ObjKVStore {
	return recordKV(m.branch.GetObjKVStore(key), key.Name(), storetypes.AnyValueLen[any], m.trace)
}

type recordingKV[V any] struct {
	storetypes.GKVStore[V]
	name     string
	valueLen func(V) int
	trace    *GasTrace
}

func recordKV[V any](parent storetypes.GKVStore[V], name string, valueLen func(V) int, trace *GasTrace) storetypes.GKVStore[V] {
	return recordingKV[V]{GKVStore: parent, name: name, valueLen: valueLen, trace: trace}
}

func (s recordingKV[V]) record(op string, key []byte, value int) {
	s.trace.access(&StoreAccess{Store: s.name, Op: op, Key: append([]byte(nil), key...), Value: value})
}

func (s recordingKV[V]) Get(key []byte) V {
	v := s.GKVStore.Get(key)
	s.record("read", key, s.valueLen(v))
	return v
}

func (s recordingKV[V]) Has(key []byte) bool {
	s.record("has", key, 0)
	return s.GKVStore.Has(key)
}

func (s recordingKV[V]) Set(key []byte, value V) {
	s.record("write", key, s.valueLen(value))
	s.GKVStore.Set(key, value)
}

func (s recordingKV[V]) Delete(key []byte) {
	s.record("delete", key, 0)
	s.GKVStore.Delete(key)
}

func (s recordingKV[V]) Iterator(start, end []byte) storetypes.GIterator[V] {
	return &recordingIterator[V]{GIterator: s.GKVStore.Iterator(start, end), store: s, start: start}
}

func (s recordingKV[V]) ReverseIterator(start, end []byte) storetypes.GIterator[V] {
	return &recordingIterator[V]{GIterator: s.GKVStore.ReverseIterator(start, end), store: s, start: start}
}

// recordingIterator makes each position it is asked about the access the
// gas store's per-step charges belong to; past the end, the position is
// the iterator's start key.
type recordingIterator[V any] struct {
	storetypes.GIterator[V]
	store recordingKV[V]
	start []byte
	pos   *StoreAccess
}

func (it *recordingIterator[V]) Valid() bool {
	valid := it.GIterator.Valid()
	if it.pos == nil {
		if valid {
			it.pos = &StoreAccess{Store: it.store.name, Op: "iterate", Key: append([]byte(nil), it.GIterator.Key()...),
				Value: it.store.valueLen(it.GIterator.Value())}
		} else {
			it.pos = &StoreAccess{Store: it.store.name, Op: "iterate", Key: append([]byte(nil), it.start...)}
		}
	}
	it.store.trace.step(it.pos)
	return valid
}

func (it *recordingIterator[V]) Next() {
	it.GIterator.Next()
	it.pos = nil
}
