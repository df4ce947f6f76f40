package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Migrate1to2 is the store migration from consensus version 1 to 2 (issue
// 17: verifying keys by hash, compact batch history, hot and cold rollup
// record). None is provided: version 1 stores each rollup's verifying key
// and full batch records inline under the rollup's id, and version 2 would
// read such a store as rollups without their cold half (unknown to every
// query and message, while their ledgers still hold deposits). Refusing
// makes an in-place upgrade stop at its height, where the validators are
// waiting for it, instead of running on a store it misreads. The supported
// path is a genesis export with the version 1 binary and a new chain from
// it (the genesis format did not change).
func Migrate1to2(sdk.Context) error {
	return types.ErrNoInPlaceMigration.Wrap("x/rollups 1 → 2 changed the store layout (verifying keys by hash, compact batch history, hot and cold rollup record): export genesis with the old binary and start from it")
}
