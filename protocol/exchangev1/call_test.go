package exchangev1

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateVectors = flag.Bool("update", false, "rewrite testdata/call_vectors.json")

type callVector struct {
	Name       string `json:"name"`
	Payload    string `json:"payload"`
	OutDenom   string `json:"out_denom,omitempty"` // the denom whose digest the payload names
	MinOut     string `json:"min_out,omitempty"`
	DestRollup string `json:"dest_rollup,omitempty"`
	Recipient  string `json:"recipient,omitempty"`
	Error      bool   `json:"error,omitempty"`
}

func mustEncode(t *testing.T, c SwapCall) []byte {
	b, err := c.Encode()
	require.NoError(t, err)
	return b
}

func vectorsNow(t *testing.T) []callVector {
	addr64 := strings.Repeat("ab", 64)
	a64, _ := hex.DecodeString(addr64)
	ok := func(name, denom string, min *big.Int, rollup string, rcpt []byte) callVector {
		return callVector{Name: name, Payload: hex.EncodeToString(mustEncode(t, NewSwapCall(denom, min, rollup, rcpt))),
			OutDenom: denom, MinOut: min.String(), DestRollup: rollup, Recipient: hex.EncodeToString(rcpt)}
	}
	vs := []callVector{
		ok("to uusdc on payments, 64-byte L2 address", "uusdc", big.NewInt(1000), "payments", a64),
		ok("to unat, L1 withdrawal to a 20-byte address", "unat", big.NewInt(0), "", []byte(strings.Repeat("\x11", 20))),
		ok("max min out, 64-byte rollup id", "uusdc", MaxAmount, strings.Repeat("r", 64), []byte{0x01}),
	}
	base, _ := hex.DecodeString(vs[0].Payload)
	bad := func(name string, f func(b []byte) []byte) {
		b := f(append([]byte(nil), base...))
		vs = append(vs, callVector{Name: name, Payload: hex.EncodeToString(b), Error: true})
	}
	bad("empty", func([]byte) []byte { return nil })
	bad("one byte short", func(b []byte) []byte { return b[:CallBytes-1] })
	bad("one byte long", func(b []byte) []byte { return append(b, 0) })
	bad("version 2", func(b []byte) []byte { b[0] = 2; return b })
	bad("op 0", func(b []byte) []byte { b[1] = 0; return b })
	bad("rollup length 65", func(b []byte) []byte { b[callOffRollup] = 65; return b })
	bad("address length 0", func(b []byte) []byte { b[callOffAddr] = 0; return b })
	bad("address length 65", func(b []byte) []byte { b[callOffAddr] = 65; return b })
	bad("non-zero rollup padding", func(b []byte) []byte { b[callOffAddr-1] = 1; return b })
	bad("non-zero address padding", func(b []byte) []byte { b[callOffAddr] = 10; return b })
	return vs
}

// The checked-in vectors decode to their fields, and re-encode to the same
// bytes; -update rewrites them from the codec.
func TestSwapCall_Vectors(t *testing.T) {
	path := "testdata/call_vectors.json"
	if *updateVectors {
		bz, err := json.MarshalIndent(vectorsNow(t), "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, append(bz, '\n'), 0o644))
	}
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	var vs []callVector
	require.NoError(t, json.Unmarshal(bz, &vs))
	require.Equal(t, vectorsNow(t), vs, "vectors differ from the codec")
	for _, v := range vs {
		payload, err := hex.DecodeString(v.Payload)
		require.NoError(t, err)
		c, err := DecodeSwapCall(payload)
		if v.Error {
			require.ErrorIs(t, err, ErrBadCall, v.Name)
			continue
		}
		require.NoError(t, err, v.Name)
		require.Equal(t, DenomDigestBytes(v.OutDenom), c.OutDenomDigest, v.Name)
		require.Equal(t, v.MinOut, c.MinOut.String(), v.Name)
		require.Equal(t, v.DestRollup, c.DestRollup, v.Name)
		require.Equal(t, v.Recipient, hex.EncodeToString(c.Recipient), v.Name)
		again, err := c.Encode()
		require.NoError(t, err)
		require.Equal(t, payload, again, v.Name)
	}
}

func TestSwapCall_EncodeRefusesOutOfRange(t *testing.T) {
	for name, c := range map[string]SwapCall{
		"nil min":      {Recipient: []byte{1}},
		"min 2^128":    {MinOut: new(big.Int).Lsh(big.NewInt(1), 128), Recipient: []byte{1}},
		"no recipient": {MinOut: big.NewInt(1)},
		"long rollup":  {MinOut: big.NewInt(1), Recipient: []byte{1}, DestRollup: strings.Repeat("r", 65)},
		"long address": {MinOut: big.NewInt(1), Recipient: make([]byte, 65)},
	} {
		_, err := c.Encode()
		require.True(t, errors.Is(err, ErrBadCall), name)
	}
}

// Any bytes decode to a call or ErrBadCall, never a panic, and a decoded
// call re-encodes to the same bytes.
func FuzzDecodeSwapCall(f *testing.F) {
	for _, v := range vectorsNow(&testing.T{}) {
		b, _ := hex.DecodeString(v.Payload)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeSwapCall(b)
		if err != nil {
			require.ErrorIs(t, err, ErrBadCall)
			return
		}
		again, err := c.Encode()
		require.NoError(t, err)
		require.Equal(t, b, again)
	})
}
