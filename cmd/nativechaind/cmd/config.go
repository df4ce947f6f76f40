package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/nativechain/nativechain/app"
)

// initCometBFTConfig returns CometBFT's defaults with nativechain's block
// time: batches are final in the block that includes them, so a short
// block time is the rollups' finality latency.
func initCometBFTConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = time.Second
	return cfg
}

// initAppConfig returns the app.toml template and defaults: a non-zero
// minimum gas price in unat so an empty-fee spam flood costs something.
func initAppConfig() (string, any) {
	srvCfg := serverconfig.DefaultConfig()
	srvCfg.MinGasPrices = "0.0025" + app.BondDenom
	return serverconfig.DefaultConfigTemplate, srvCfg
}
