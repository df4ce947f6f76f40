package exchangev1

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	"github.com/nativechain/nativechain/protocol"
)

// Call payload v1 (docs/spec/exchange-rollup.md, section 6): a fixed-size
// swap order carried by a cross-rollup message or an L1 call.
const (
	CallVersion   = 0x01
	CallOpSwap    = 0x01
	CallBytes     = 180
	CallMaxRollup = 64
	CallMaxAddr   = 64

	callOffDenom  = 2
	callOffMinOut = 34
	callOffRollup = 50
	callOffAddr   = 115
)

// ErrBadCall is returned for a payload that does not decode as a call.
var ErrBadCall = errors.New("exchangev1: payload is not a v1 swap call")

// SwapCall asks the exchange to swap the carried value into OutDenom and
// deliver at least MinOut to Recipient on DestRollup (an L1 withdrawal to
// Recipient if DestRollup is empty).
type SwapCall struct {
	OutDenomDigest [32]byte // protocol.DenomDigest(out denom), big-endian
	MinOut         *big.Int // below 2^128
	DestRollup     string
	Recipient      []byte
}

// NewSwapCall fills OutDenomDigest from a denom.
func NewSwapCall(outDenom string, minOut *big.Int, destRollup string, recipient []byte) SwapCall {
	return SwapCall{OutDenomDigest: DenomDigestBytes(outDenom), MinOut: minOut, DestRollup: destRollup, Recipient: recipient}
}

// Encode is the 180-byte payload.
func (c SwapCall) Encode() ([]byte, error) {
	if c.MinOut == nil || c.MinOut.Sign() < 0 || c.MinOut.BitLen() > AmountBits {
		return nil, fmt.Errorf("%w: min out out of range", ErrBadCall)
	}
	if len(c.DestRollup) > CallMaxRollup || len(c.Recipient) == 0 || len(c.Recipient) > CallMaxAddr {
		return nil, fmt.Errorf("%w: rollup id or recipient length", ErrBadCall)
	}
	out := make([]byte, CallBytes)
	out[0], out[1] = CallVersion, CallOpSwap
	copy(out[callOffDenom:], c.OutDenomDigest[:])
	c.MinOut.FillBytes(out[callOffMinOut:callOffRollup])
	out[callOffRollup] = byte(len(c.DestRollup))
	copy(out[callOffRollup+1:], c.DestRollup)
	out[callOffAddr] = byte(len(c.Recipient))
	copy(out[callOffAddr+1:], c.Recipient)
	return out, nil
}

// DecodeSwapCall parses a payload; anything but a canonical v1 swap call
// is ErrBadCall. It does not check that the rollup id or address is valid
// for the chain (the exchange refunds a call whose output entry is not).
func DecodeSwapCall(b []byte) (SwapCall, error) {
	if len(b) != CallBytes || b[0] != CallVersion || b[1] != CallOpSwap {
		return SwapCall{}, fmt.Errorf("%w: length, version or op", ErrBadCall)
	}
	var c SwapCall
	copy(c.OutDenomDigest[:], b[callOffDenom:callOffMinOut])
	c.MinOut = new(big.Int).SetBytes(b[callOffMinOut:callOffRollup])
	r, a := int(b[callOffRollup]), int(b[callOffAddr])
	if r > CallMaxRollup || a == 0 || a > CallMaxAddr {
		return SwapCall{}, fmt.Errorf("%w: length out of range", ErrBadCall)
	}
	rollup := b[callOffRollup+1 : callOffAddr]
	addr := b[callOffAddr+1:]
	if !allZero(rollup[r:]) || !allZero(addr[a:]) {
		return SwapCall{}, fmt.Errorf("%w: non-zero padding", ErrBadCall)
	}
	c.DestRollup = string(rollup[:r])
	c.Recipient = bytes.Clone(addr[:a])
	return c, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// DenomDigestBytes is protocol.DenomDigest(denom), 32 bytes big-endian.
func DenomDigestBytes(denom string) [32]byte {
	d := protocol.DenomDigest(denom)
	return d.Bytes()
}
