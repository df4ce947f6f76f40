package types

import (
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// The reward formula, in integers only (docs/spec/rewards.md). Ratios are
// LegacyDec params, applied with truncation, so every rounding leaves the
// remainder in the pool.

// CreditedTxs is the number of proven L2 transactions a batch is credited
// with: at most one per posted data byte, since every transaction must be in
// the data the chain made available. The count is only as honest as the
// rollup's circuit, so work weighs in the approved part of the pot only
// (SplitOperatorPot).
func CreditedTxs(l2TxCount, dataBytes uint64) uint64 {
	return min(l2TxCount, dataBytes)
}

// WorkWeight is tx_weight * l2Txs + da_byte_weight * daBytes.
func (p Params) WorkWeight(l2Txs, daBytes uint64) sdkmath.Int {
	txs := sdkmath.NewIntFromUint64(p.TxWeight).Mul(sdkmath.NewIntFromUint64(l2Txs))
	bytes := sdkmath.NewIntFromUint64(p.DaByteWeight).Mul(sdkmath.NewIntFromUint64(daBytes))
	return txs.Add(bytes)
}

// BatchFee is fee_per_da_byte * dataBytes + fee_per_verification; zero
// rates drop out.
func (p Params) BatchFee(dataBytes uint64) sdk.Coins {
	perByte := sdk.NewCoin(p.FeePerDaByte.Denom, p.FeePerDaByte.Amount.Mul(sdkmath.NewIntFromUint64(dataBytes)))
	return sdk.NewCoins(perByte).Add(sdk.NewCoins(p.FeePerVerification)...)
}

// MulDecTruncate multiplies every coin by a ratio in [0, 1], truncating.
func MulDecTruncate(coins sdk.Coins, ratio sdkmath.LegacyDec) sdk.Coins {
	out := sdk.NewCoins()
	for _, c := range coins {
		out = out.Add(sdk.NewCoin(c.Denom, ratio.MulInt(c.Amount).TruncateInt()))
	}
	return out
}

// SplitEpoch splits what the pool can pay at an epoch's end into the
// validator share and the operator pot. Both truncate, so their sum never
// exceeds available; the dust stays in the pool.
func (p Params) SplitEpoch(available sdk.Coins) (validators, operators sdk.Coins) {
	return MulDecTruncate(available, p.ValidatorShare), MulDecTruncate(available, p.OperatorShare)
}

// SplitOperatorPot splits an epoch's operator pot into the part the
// epoch's batch fees funded and the rest (inflation, bridge and registration
// fees, slashed bonds, carried-over dust).
//
//	feeBacked = min(floor(operator_share * feesPaid), pot)   per denom
//	approved  = pot - feeBacked                               if approvedWork > 0, else nothing
//
// feeBacked is shared by fees paid (FeeBackedReward), so no rollup gets
// back more than the operator share of what it paid; approved is shared by
// the work of governance-approved keys (OperatorReward). With no approved
// work the rest stays in the pool for a later epoch.
func (p Params) SplitOperatorPot(pot, feesPaid sdk.Coins, approvedWork sdkmath.Int) (feeBacked, approved sdk.Coins) {
	feeBacked = MulDecTruncate(feesPaid, p.OperatorShare).Min(pot)
	approved = sdk.NewCoins()
	if !approvedWork.IsNil() && approvedWork.IsPositive() {
		approved = pot.Sub(feeBacked...)
	}
	return feeBacked, approved
}

// FeeBackedReward is floor(feeBackedPot * paid / feesPaid) per denom: a
// work record's share of the fee-backed pot, by the fees it paid. Summed
// over records whose fees add up to at most feesPaid, it never exceeds
// feeBackedPot; since feeBackedPot <= operator_share * feesPaid, no record
// gets more than the operator share of its own fees.
func FeeBackedReward(feeBackedPot, paid, feesPaid sdk.Coins) sdk.Coins {
	out := sdk.NewCoins()
	for _, c := range feeBackedPot {
		own, total := paid.AmountOf(c.Denom), feesPaid.AmountOf(c.Denom)
		if !own.IsPositive() || !total.IsPositive() {
			continue
		}
		out = out.Add(sdk.NewCoin(c.Denom, c.Amount.Mul(own).Quo(total)))
	}
	return out
}

// OperatorReward is floor(pot * weight / eligibleWork) per denom. Summed
// over records whose weights add up to at most eligibleWork, it never
// exceeds pot.
func OperatorReward(pot sdk.Coins, weight, eligibleWork sdkmath.Int) sdk.Coins {
	out := sdk.NewCoins()
	if !eligibleWork.IsPositive() || !weight.IsPositive() {
		return out
	}
	for _, c := range pot {
		out = out.Add(sdk.NewCoin(c.Denom, c.Amount.Mul(weight).Quo(eligibleWork)))
	}
	return out
}
