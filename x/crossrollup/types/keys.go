package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the crossrollup module, also its store key
	// and the name of the bridge escrow module account.
	ModuleName = "crossrollup"

	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName
)

// Store prefixes. Never renumber: they are part of the consensus state.
var (
	ParamsKey  = collections.NewPrefix(0)
	LedgersKey = collections.NewPrefix(1) // (rollup id, denom) -> escrowed amount
)
