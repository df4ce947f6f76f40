package paymentsv1

import (
	"context"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
)

// Exodus for the payments-v1 layout (docs/spec/exodus.md, "payments-v1
// layout"): once the chain freezes a rollup, the owner of leaf i proves the
// leaf (key, balance, nonce) against the last verified state root with its
// Poseidon2 path, and authorises the L1 recipient with the leaf key's EdDSA
// signature over ExitMessage. The chain runs ExitVerifier in consensus, so it
// parses every byte strictly and never panics.

// ExitMessage is the one element an account signs to exit:
// H(TagExit; leafIndex, AddressDigest(recipient)), where recipient is the
// raw L1 address paid and leafIndex is protocol.ExitLeafNone for a
// credits-only claim.
func ExitMessage(leafIndex uint64, recipient []byte) fr.Element {
	var index fr.Element
	index.SetUint64(leafIndex)
	return protocol.Tagged(protocol.TagExit, index, protocol.AddressDigest(recipient))
}

// ExitVerifier checks payments-v1 exit claims. It is the verifier
// x/crossrollup's keeper runs for protocol.ExitLayoutPaymentsV1 (it has the
// keeper's ExitVerifier methods).
type ExitVerifier struct{}

// NewExitVerifier is the verifier the app wires under
// protocol.ExitLayoutPaymentsV1.
func NewExitVerifier() ExitVerifier { return ExitVerifier{} }

// Gas of one exit check (docs/PERFORMANCE.md, "Exodus"): BenchmarkVerifyExit
// timed against a secp256k1 verification (the SDK's 1,000-gas reference) in
// the same run, with a 2x margin as for verify_proof_gas.
const (
	// ExitGasPerCompression prices one Poseidon2 compression (measured at
	// 0.02-0.05 of a secp256k1 verification).
	ExitGasPerCompression uint64 = 100
	// ExitGasSignature prices the fixed part: parsing the key (curve and
	// subgroup checks), hashing the exit message and one EdDSA verification
	// (measured at 1.5-1.9 secp256k1 verifications).
	ExitGasSignature uint64 = 4_000
)

var maxBalance = new(big.Int).Lsh(big.NewInt(1), BalanceBits)

// VerifyGas is (depth + 2) compressions (the path and the leaf hash) plus one
// signature check, charged before VerifyExit runs.
func (ExitVerifier) VerifyGas(layout protocol.ExitLayoutParams) uint64 {
	depth := uint64(layout.Depth)
	if depth > protocol.MaxExitDepth {
		depth = protocol.MaxExitDepth
	}
	return (depth+2)*ExitGasPerCompression + ExitGasSignature
}

func invalidExit(format string, args ...any) error {
	return protocol.ErrInvalidExitClaim.Wrapf(format, args...)
}

// VerifyExit checks that claim's leaf (account, balance, nonce) is in the
// tree of root at LeafIndex and that Signature by the leaf's key authorises
// Recipient, for chainID and rollupID. A claim with LeafIndex ==
// protocol.ExitLeafNone proves no leaf: only the signature by Account is
// checked. Every failure wraps protocol.ErrInvalidExitClaim.
func (ExitVerifier) VerifyExit(_ context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) error {
	if layout.Name != protocol.ExitLayoutPaymentsV1 {
		return invalidExit("layout %q is not %s", layout.Name, protocol.ExitLayoutPaymentsV1)
	}
	if layout.QuoteDenom != "" {
		return invalidExit("layout %s holds one denom, not a quote denom %q", protocol.ExitLayoutPaymentsV1, layout.QuoteDenom)
	}
	if layout.Depth < 1 || layout.Depth > protocol.MaxExitDepth {
		return invalidExit("depth %d out of 1..%d", layout.Depth, protocol.MaxExitDepth)
	}
	var rootEl fr.Element
	if len(root) != fr.Bytes {
		return invalidExit("state root: %d bytes, want %d", len(root), fr.Bytes)
	}
	if err := rootEl.SetBytesCanonical(root); err != nil {
		return invalidExit("state root: %v", err)
	}
	if claim.HasPairFields() {
		// One denom: a quote balance, shares or a pool would be paid
		// nothing, or worse, by a keeper that trusted them.
		return invalidExit("a %s claim carries no quote balance, shares or pool", protocol.ExitLayoutPaymentsV1)
	}
	if len(claim.Recipient) == 0 || len(claim.Recipient) > 255 {
		return invalidExit("recipient: %d bytes", len(claim.Recipient))
	}
	key, err := ParseAddress(claim.Account)
	if err != nil {
		return invalidExit("account: %v", err)
	}
	sig, err := ParseSignature(claim.Signature)
	if err != nil {
		return invalidExit("signature: %v", err)
	}
	if claim.LeafIndex == protocol.ExitLeafNone {
		// A credits-only claim proves no leaf: it carries nothing else.
		if claim.Balance != nil && claim.Balance.Sign() != 0 || claim.Nonce != 0 {
			return invalidExit("a claim without a leaf carries no balance or nonce")
		}
	} else {
		if err := verifyLeaf(layout.Depth, rootEl, key, claim); err != nil {
			return err
		}
	}
	if !key.Verify(sig, Domain(chainID, rollupID), ExitMessage(claim.LeafIndex, claim.Recipient)) {
		return invalidExit("the account's signature does not authorise this exit")
	}
	return nil
}

// VerifyExitPayout is VerifyExit that also returns what the claim is paid:
// the leaf's balance in the layout's denom (nothing for a credits-only
// claim, whose credits the keeper adds). It is the method x/crossrollup's
// keeper calls; the gas and the checks are VerifyExit's.
func (v ExitVerifier) VerifyExitPayout(ctx context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) ([]protocol.ExitAmount, error) {
	if err := v.VerifyExit(ctx, chainID, rollupID, layout, root, claim); err != nil {
		return nil, err
	}
	if claim.LeafIndex == protocol.ExitLeafNone {
		return nil, nil
	}
	return []protocol.ExitAmount{{Denom: layout.Denom, Amount: new(big.Int).Set(claim.Balance)}}, nil
}

// verifyLeaf recomputes the root from the claimed leaf and its path.
func verifyLeaf(depth uint32, root fr.Element, key PublicKey, claim protocol.ExitClaim) error {
	if claim.LeafIndex>>depth != 0 {
		return invalidExit("leaf index %d out of range for depth %d", claim.LeafIndex, depth)
	}
	if len(claim.Siblings) != int(depth) {
		return invalidExit("%d siblings, want %d", len(claim.Siblings), depth)
	}
	if claim.Balance == nil || claim.Balance.Sign() < 0 || claim.Balance.Cmp(maxBalance) >= 0 {
		return invalidExit("balance out of [0, 2^%d)", BalanceBits)
	}
	siblings := make([]fr.Element, depth)
	for i, s := range claim.Siblings {
		if len(s) != fr.Bytes {
			return invalidExit("sibling %d: %d bytes, want %d", i, len(s), fr.Bytes)
		}
		if err := siblings[i].SetBytesCanonical(s); err != nil {
			return invalidExit("sibling %d: %v", i, err)
		}
	}
	got := protocol.RootFromPath(LeafHash(key, claim.Balance, claim.Nonce), claim.LeafIndex, siblings)
	if !got.Equal(&root) {
		return invalidExit("the leaf and path do not give the state root")
	}
	return nil
}
