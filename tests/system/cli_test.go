//go:build system

package system

import (
	"strings"
	"testing"

	"github.com/cosmos/cosmos-sdk/types/bech32"
)

// assertNothingBroadcast checks that the sender's sequence and balance are
// unchanged a few blocks after the rejected commands.
func assertNothingBroadcast(t *testing.T, node *Node, sender string, seqBefore uint64, balBefore int64) {
	t.Helper()
	node.WaitForBlocks(t, 2, startTimeout)
	if seq := node.Sequence(t, sender); seq != seqBefore {
		t.Fatalf("sender sequence moved from %d to %d: a malformed tx was broadcast", seqBefore, seq)
	}
	if bal := node.Balance(t, sender, Denom); bal != balBefore {
		t.Fatalf("sender balance moved from %d to %d: a malformed tx was broadcast", balBefore, bal)
	}
}

func TestCLI_RejectsMalformedAddress(t *testing.T) {
	chain := StartSingleNodeChain(t, "alice")
	node, alice := chain.Node, chain.Accounts["alice"]
	seqBefore, balBefore := node.Sequence(t, alice), node.Balance(t, alice, Denom)

	_, addrBytes, err := bech32.DecodeAndConvert(alice)
	if err != nil {
		t.Fatalf("decode alice's address %q: %v", alice, err)
	}
	cases := map[string]string{
		"not bech32":     "not-an-address",
		"wrong prefix":   mustBech32(t, "cosmos", addrBytes),
		"valoper prefix": mustBech32(t, "nativevaloper", addrBytes),
		"bad checksum":   withCorruptChecksum(alice),
		"truncated":      alice[:len(alice)-6],
	}
	for name, to := range cases {
		t.Run(name, func(t *testing.T) {
			res := node.Tx(t, "bank", "send", "alice", to, coin(1000))
			if res.ExitCode == 0 {
				t.Fatalf("send to %q exited 0:\n%s", to, res.Output())
			}
			out := strings.ToLower(res.Output())
			if !strings.Contains(out, "bech32") && !strings.Contains(out, "address") {
				t.Fatalf("send to %q: error does not explain the address problem:\n%s", to, res.Output())
			}
		})
	}

	assertNothingBroadcast(t, node, alice, seqBefore, balBefore)
}

func TestCLI_RejectsMalformedAmount(t *testing.T) {
	chain := StartSingleNodeChain(t, "alice", "bob")
	node, alice, bob := chain.Node, chain.Accounts["alice"], chain.Accounts["bob"]
	seqBefore, balBefore := node.Sequence(t, alice), node.Balance(t, alice, Denom)

	cases := map[string]string{
		"no denom":       "1000",
		"no number":      "unat",
		"bad denom char": "1000unat$",
		"not a coin":     "lots",
		"two points":     "1.5.5unat",
	}
	for name, amount := range cases {
		t.Run(name, func(t *testing.T) {
			res := node.Tx(t, "bank", "send", "alice", bob, amount)
			if res.ExitCode == 0 {
				t.Fatalf("send of %q exited 0:\n%s", amount, res.Output())
			}
			out := strings.ToLower(res.Output())
			if !strings.Contains(out, "coin") && !strings.Contains(out, "amount") && !strings.Contains(out, "denom") {
				t.Fatalf("send of %q: error does not explain the amount problem:\n%s", amount, res.Output())
			}
		})
	}

	assertNothingBroadcast(t, node, alice, seqBefore, balBefore)
}

func mustBech32(t *testing.T, hrp string, data []byte) string {
	t.Helper()
	s, err := bech32.ConvertAndEncode(hrp, data)
	if err != nil {
		t.Fatalf("encode bech32 %s: %v", hrp, err)
	}
	return s
}

// withCorruptChecksum swaps the last character of a bech32 string for another
// character of the bech32 alphabet, so that only the checksum is wrong.
func withCorruptChecksum(addr string) string {
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	last := strings.IndexByte(charset, addr[len(addr)-1])
	return addr[:len(addr)-1] + string(charset[(last+1)%len(charset)])
}
