// Command nativechaind is the nativechain node, its CLI, and (in later
// releases) the rollup operator daemon and the L2 wallet.
package main

import (
	"errors"
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/cmd/nativechaind/cmd"
)

func main() {
	rootCmd := cmd.NewRootCmd()
	if err := svrcmd.Execute(rootCmd, "", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(rootCmd.OutOrStderr(), err)
		// A command may choose its status (l2 swap: 2 for a refund).
		var coded interface{ ExitCode() int }
		if errors.As(err, &coded) && coded.ExitCode() > 0 {
			os.Exit(coded.ExitCode())
		}
		os.Exit(1)
	}
}
