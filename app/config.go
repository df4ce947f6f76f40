package app

import (
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name BaseApp reports.
	AppName = "nativechain"

	// BondDenom is the native token's base denom: 1 NAT = 10^6 unat.
	BondDenom = "unat"
	// DisplayDenom is the native token's display denom.
	DisplayDenom = "NAT"
	// DisplayExponent is the number of decimals between unat and NAT.
	DisplayExponent = 6

	// DefaultChainID is the chain id of local development networks.
	DefaultChainID = "nativechain-local-1"

	// Bech32Prefix is the account address prefix; the other prefixes derive
	// from it as in every Cosmos chain.
	Bech32Prefix = "native"
)

var (
	Bech32PrefixAccPub   = Bech32Prefix + sdk.PrefixPublic
	Bech32PrefixValAddr  = Bech32Prefix + sdk.PrefixValidator + sdk.PrefixOperator
	Bech32PrefixValPub   = Bech32PrefixValAddr + sdk.PrefixPublic
	Bech32PrefixConsAddr = Bech32Prefix + sdk.PrefixValidator + sdk.PrefixConsensus
	Bech32PrefixConsPub  = Bech32PrefixConsAddr + sdk.PrefixPublic
)

// SetSDKConfig sets the process-wide address prefixes and bond denom. The
// binary calls it once at start-up; consensus code never reads the global
// config (modules get address codecs instead), but the CLI and the SDK's
// genesis helpers do.
func SetSDKConfig() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32PrefixAccPub)
	cfg.SetBech32PrefixForValidator(Bech32PrefixValAddr, Bech32PrefixValPub)
	cfg.SetBech32PrefixForConsensusNode(Bech32PrefixConsAddr, Bech32PrefixConsPub)
	cfg.Seal()

	sdk.DefaultBondDenom = BondDenom
	sdk.DefaultPowerReduction = sdkmath.NewIntFromUint64(1_000_000)
}

func init() {
	// Tests and tools that import app get the chain's settings too.
	if sdk.GetConfig().GetBech32AccountAddrPrefix() != Bech32Prefix {
		SetSDKConfig()
	}
}
