// Package rewards is the x/rewards module: one module account is the reward
// pool. It takes a share of each block's inflation, batch and bridge fees and
// slashed operator bonds, and every epoch pays a validator share through
// x/distribution and an operator share pro rata to work the chain verified.
package rewards
