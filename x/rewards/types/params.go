package types

import (
	sdkmath "cosmossdk.io/math"
)

const (
	DefaultEpochLength        uint64 = 100
	DefaultTxWeight           uint64 = 100
	DefaultDaByteWeight       uint64 = 1
	DefaultMaxPayoutsPerBlock uint32 = 200

	// MaxPayoutsPerBlockLimit bounds the per-block payout loop whatever
	// governance sets.
	MaxPayoutsPerBlockLimit uint32 = 10_000
)

// DefaultParams returns the default reward parameters: 10% of each block's
// inflation flows into the pool, paid out half to validators and half to
// rollup operators every 100 blocks.
func DefaultParams() Params {
	return Params{
		InflationShare:     sdkmath.LegacyNewDecWithPrec(10, 2),
		ValidatorShare:     sdkmath.LegacyNewDecWithPrec(50, 2),
		OperatorShare:      sdkmath.LegacyNewDecWithPrec(50, 2),
		EpochLength:        DefaultEpochLength,
		TxWeight:           DefaultTxWeight,
		DaByteWeight:       DefaultDaByteWeight,
		MaxPayoutsPerBlock: DefaultMaxPayoutsPerBlock,
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
	if p.MaxPayoutsPerBlock == 0 || p.MaxPayoutsPerBlock > MaxPayoutsPerBlockLimit {
		return ErrInvalidParams.Wrapf("max payouts per block must be in [1, %d], got %d", MaxPayoutsPerBlockLimit, p.MaxPayoutsPerBlock)
	}
	return nil
}
