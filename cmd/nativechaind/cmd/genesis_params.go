package cmd

import (
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/module"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/nativechain/nativechain/app"
)

// initCmd is the SDK's `init` with the chain's consensus params: the
// genesis it writes carries the block gas limit (app.BlockMaxGas), which
// `genesis collect-gentxs` keeps.
func initCmd(mbm module.BasicManager) *cobra.Command {
	cmd := genutilcli.InitCmd(mbm, app.DefaultNodeHome)
	run := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return err
		}
		return setBlockGasLimit(server.GetServerContextFromCmd(cmd).Config.GenesisFile())
	}
	return cmd
}

// setBlockGasLimit sets block.max_gas of the genesis file to
// app.BlockMaxGas, leaving everything else as it is.
func setBlockGasLimit(genFile string) error {
	genesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return err
	}
	if genesis.Consensus == nil {
		genesis.Consensus = &genutiltypes.ConsensusGenesis{}
	}
	if genesis.Consensus.Params == nil {
		genesis.Consensus.Params = app.DefaultConsensusParams()
	}
	genesis.Consensus.Params.Block.MaxGas = app.BlockMaxGas
	if err := genesis.ValidateAndComplete(); err != nil {
		return err
	}
	return genesis.SaveAs(genFile)
}
