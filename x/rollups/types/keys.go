package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the rollups module, also its store key and
	// the name of the module account that escrows operator bonds.
	ModuleName = "rollups"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName
)

// Store prefixes. Never renumber: they are part of the consensus state.
var (
	ParamsKey = collections.NewPrefix(0)
	// RollupsKey holds the hot part of each rollup record: the fields a
	// batch or an inbox message rewrites (roots, indices, inbox counters and
	// accumulators, deadlines), as a Rollup with only those fields set; the
	// rest is under RollupInfosKey (issue 17). ICS23 clients prove the inbox
	// counters of this record (x/crossrollup/client/proof).
	RollupsKey = collections.NewPrefix(1) // rollup id -> Rollup (hot fields)
	BatchesKey = collections.NewPrefix(2) // (rollup id, index) -> Batch
	InboxKey   = collections.NewPrefix(3) // (rollup id, sequence) -> InboxMessage
	// DeadlinesKey indexes active rollups with an unconsumed inbox message
	// by the height it becomes overdue, so EndBlock finds them in order.
	DeadlinesKey = collections.NewPrefix(4) // (deadline height, rollup id)
	// PendingForcedKey indexes the unconsumed forced transactions (inbox
	// kind 4) of each rollup, so a batch finds the ones it consumed without
	// reading the other messages of its range.
	PendingForcedKey = collections.NewPrefix(5) // (rollup id, inbox sequence)
	// ClosingsKey indexes winding-down rollups by the height they freeze
	// (without slashing), so EndBlock finds them in order.
	ClosingsKey = collections.NewPrefix(6) // (closing height, rollup id)
	// VerifyingKeysKey holds every verifying key a rollup registered or
	// scheduled, once, by its sha256: the rollup record and its pending key
	// change name the key by hash only, so a batch never reads or rewrites
	// the key bytes through the metered store. Kept forever (at most one
	// entry per registration or key change, each paid for by its writer).
	VerifyingKeysKey = collections.NewPrefix(7) // sha256(key) -> key bytes
	// RollupInfosKey holds the cold part of each rollup record: what
	// registration, governance and the admin set (admin, operators, key
	// hash, bond, status, exit layout, pending changes...), as a Rollup
	// with the hot fields unset. A batch reads it but rewrites it only when
	// it changes (a due key change).
	RollupInfosKey = collections.NewPrefix(8) // rollup id -> Rollup (cold fields)
)
