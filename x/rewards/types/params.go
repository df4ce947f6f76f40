package types

import (
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	DefaultEpochLength        uint64 = 100
	DefaultTxWeight           uint64 = 100
	DefaultDaByteWeight       uint64 = 1
	DefaultMaxPayoutsPerBlock uint32 = 200
	DefaultFeePerDaByte       int64  = 1      // unat per byte of batch data
	DefaultFeePerVerification int64  = 10_000 // unat per verified proof

	// MaxPayoutsPerBlockLimit bounds the per-block payout loop whatever
	// governance sets.
	MaxPayoutsPerBlockLimit uint32 = 10_000

	// MaxWorkWeight bounds each work weight so that pot * work stays far
	// inside math.Int's 256 bits.
	MaxWorkWeight uint64 = 1_000_000
)

// DefaultParams returns the default reward parameters: 10% of each block's
// inflation flows into the pool, paid out half to validators and half to
// rollup operators every 100 blocks. A batch costs its submitter 1 unat per
// data byte plus 10,000 unat per verification.
func DefaultParams() Params {
	return Params{
		InflationShare:     sdkmath.LegacyNewDecWithPrec(10, 2),
		ValidatorShare:     sdkmath.LegacyNewDecWithPrec(50, 2),
		OperatorShare:      sdkmath.LegacyNewDecWithPrec(50, 2),
		EpochLength:        DefaultEpochLength,
		TxWeight:           DefaultTxWeight,
		DaByteWeight:       DefaultDaByteWeight,
		MaxPayoutsPerBlock: DefaultMaxPayoutsPerBlock,
		FeePerDaByte:       sdk.NewInt64Coin(sdk.DefaultBondDenom, DefaultFeePerDaByte),
		FeePerVerification: sdk.NewInt64Coin(sdk.DefaultBondDenom, DefaultFeePerVerification),
	}
}

// Validate checks that every parameter is in its allowed range and that the
// validator and operator shares split the pool exactly.
func (p Params) Validate() error {
	shares := []struct {
		name string
		dec  sdkmath.LegacyDec
	}{
		{"inflation share", p.InflationShare},
		{"validator share", p.ValidatorShare},
		{"operator share", p.OperatorShare},
	}
	for _, s := range shares {
		if s.dec.IsNil() || s.dec.IsNegative() || s.dec.GT(sdkmath.LegacyOneDec()) {
			return ErrInvalidParams.Wrapf("%s must be in [0, 1], got %s", s.name, s.dec)
		}
	}
	if !p.ValidatorShare.Add(p.OperatorShare).Equal(sdkmath.LegacyOneDec()) {
		return ErrInvalidParams.Wrapf("validator share %s and operator share %s must sum to 1", p.ValidatorShare, p.OperatorShare)
	}
	if p.EpochLength == 0 {
		return ErrInvalidParams.Wrap("epoch length must be positive")
	}
	if p.TxWeight == 0 && p.DaByteWeight == 0 {
		return ErrInvalidParams.Wrap("at least one work weight must be positive")
	}
	if p.TxWeight > MaxWorkWeight || p.DaByteWeight > MaxWorkWeight {
		return ErrInvalidParams.Wrapf("work weights must be at most %d, got tx %d and DA byte %d", MaxWorkWeight, p.TxWeight, p.DaByteWeight)
	}
	if p.MaxPayoutsPerBlock == 0 || p.MaxPayoutsPerBlock > MaxPayoutsPerBlockLimit {
		return ErrInvalidParams.Wrapf("max payouts per block must be in [1, %d], got %d", MaxPayoutsPerBlockLimit, p.MaxPayoutsPerBlock)
	}
	for _, fee := range []struct {
		name string
		coin sdk.Coin
	}{{"fee per DA byte", p.FeePerDaByte}, {"fee per verification", p.FeePerVerification}} {
		// Coin.Validate rejects a bad denom, a nil or a negative amount; zero
		// is allowed and charges nothing.
		if err := fee.coin.Validate(); err != nil {
			return ErrInvalidParams.Wrapf("%s: %s", fee.name, err)
		}
	}
	return nil
}
