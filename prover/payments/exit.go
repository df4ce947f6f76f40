package payments

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"

	sdkmath "cosmossdk.io/math"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/prover/tree"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Exodus for the payments-v1 layout (docs/spec/exodus.md, "payments-v1
// layout"): once the chain freezes a rollup, the owner of leaf i proves the
// leaf (key, balance, nonce) against the last verified state root with its
// Poseidon2 path, and authorises the L1 recipient with the leaf key's EdDSA
// signature over ExitMessage. The chain runs ExitVerifier in consensus, so it
// parses every byte strictly and never panics.

// ExitLayoutName is the exit layout a payments rollup registers.
const ExitLayoutName = crtypes.ExitLayoutPaymentsV1

// SignatureBytes is the size of an encoded signature: R.X || R.Y || S, each
// 32 bytes big-endian.
const SignatureBytes = 96

// MaxExitDepth is the deepest tree an exit proof may have: the chain's bound
// on a registered exit layout's depth.
const MaxExitDepth = 32

// Bytes encodes the signature as R.X || R.Y || S.
func (sig Signature) Bytes() []byte {
	rx, ry := sig.RX.Bytes(), sig.RY.Bytes()
	out := make([]byte, 0, SignatureBytes)
	out = append(out, rx[:]...)
	out = append(out, ry[:]...)
	var s [32]byte
	if sig.S.Sign() >= 0 && sig.S.BitLen() <= 256 {
		sig.S.FillBytes(s[:])
	}
	return append(out, s[:]...)
}

// ParseSignature decodes R.X || R.Y || S strictly: 96 bytes, canonical
// coordinates and S in [1, l). Whether R is on the curve is left to Verify,
// which compares it with a computed point.
func ParseSignature(b []byte) (Signature, error) {
	if len(b) != SignatureBytes {
		return Signature{}, fmt.Errorf("%w: %d bytes, want %d", errSigEnc, len(b), SignatureBytes)
	}
	var sig Signature
	if err := sig.RX.SetBytesCanonical(b[:32]); err != nil {
		return Signature{}, fmt.Errorf("%w: R.X: %v", errSigEnc, err)
	}
	if err := sig.RY.SetBytesCanonical(b[32:64]); err != nil {
		return Signature{}, fmt.Errorf("%w: R.Y: %v", errSigEnc, err)
	}
	sig.S.SetBytes(b[64:])
	if sig.S.Sign() <= 0 || sig.S.Cmp(order) >= 0 {
		return Signature{}, fmt.Errorf("%w: S out of [1, l)", errSigEnc)
	}
	return sig, nil
}

// ExitMessage is the one element an account signs to exit:
// H(TagExit; leafIndex, AddressDigest(recipient)), where recipient is the
// raw L1 address paid and leafIndex is crtypes.ExitLeafNone for a
// credits-only claim.
func ExitMessage(leafIndex uint64, recipient []byte) fr.Element {
	return tree.Tagged(crtypes.TagExit, frFromUint64(leafIndex), types.AddressDigest(recipient))
}

// SignExit signs the exit of leafIndex to recipient for one chain and rollup.
func SignExit(k *PrivateKey, chainID, rollupID string, leafIndex uint64, recipient []byte) Signature {
	return k.Sign(Domain(chainID, rollupID), ExitMessage(leafIndex, recipient))
}

// ExitVerifier checks payments-v1 exit claims (crtypes.ExitVerifier).
type ExitVerifier struct{}

var _ crtypes.ExitVerifier = ExitVerifier{}

// NewExitVerifier is the verifier the app wires under
// crtypes.ExitLayoutPaymentsV1.
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

// VerifyGas is (depth + 2) compressions (the path and the leaf hash) plus one
// signature check, charged before VerifyExit runs.
func (ExitVerifier) VerifyGas(layout crtypes.ExitLayoutParams) uint64 {
	depth := uint64(layout.Depth)
	if depth > MaxExitDepth {
		depth = MaxExitDepth
	}
	return (depth+2)*ExitGasPerCompression + ExitGasSignature
}

func invalidExit(format string, args ...any) error {
	return crtypes.ErrInvalidExitProof.Wrapf(format, args...)
}

// VerifyExit checks claim against root (crtypes.ExitVerifier). Every failure
// wraps crtypes.ErrInvalidExitProof.
func (ExitVerifier) VerifyExit(_ context.Context, chainID, rollupID string, layout crtypes.ExitLayoutParams, root []byte, claim crtypes.ExitClaim) error {
	if layout.Name != crtypes.ExitLayoutPaymentsV1 {
		return invalidExit("layout %q is not %s", layout.Name, crtypes.ExitLayoutPaymentsV1)
	}
	if layout.Depth < 1 || layout.Depth > MaxExitDepth {
		return invalidExit("depth %d out of 1..%d", layout.Depth, MaxExitDepth)
	}
	var rootEl fr.Element
	if len(root) != fr.Bytes {
		return invalidExit("state root: %d bytes, want %d", len(root), fr.Bytes)
	}
	if err := rootEl.SetBytesCanonical(root); err != nil {
		return invalidExit("state root: %v", err)
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
	if claim.LeafIndex == crtypes.ExitLeafNone {
		// A credits-only claim proves no leaf: it carries nothing else.
		if !claim.Balance.IsNil() && !claim.Balance.IsZero() || claim.Nonce != 0 {
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

// verifyLeaf recomputes the root from the claimed leaf and its path.
func verifyLeaf(depth uint32, root fr.Element, key PublicKey, claim crtypes.ExitClaim) error {
	if claim.LeafIndex>>depth != 0 {
		return invalidExit("leaf index %d out of range for depth %d", claim.LeafIndex, depth)
	}
	if len(claim.Siblings) != int(depth) {
		return invalidExit("%d siblings, want %d", len(claim.Siblings), depth)
	}
	if claim.Balance.IsNil() || claim.Balance.IsNegative() || claim.Balance.BigInt().Cmp(maxBalance) >= 0 {
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
	leaf := Account{Key: key, Nonce: claim.Nonce}
	leaf.Balance.Set(claim.Balance.BigInt())
	got := tree.RootFromPath(LeafHash(leaf), claim.LeafIndex, siblings)
	if !got.Equal(&root) {
		return invalidExit("the leaf and path do not give the state root")
	}
	return nil
}

// BuildExitProof writes the exit proof of the account at index, owned by
// key, paying recipient (raw L1 address), against the state's current root.
// The proof file's recipient is bech32 under the process's account prefix.
func BuildExitProof(state *State, index uint32, key *PrivateKey, chainID, rollupID string, recipient []byte) (crtypes.ExitProofFile, error) {
	if len(recipient) == 0 {
		return crtypes.ExitProofFile{}, fmt.Errorf("payments: empty recipient")
	}
	if uint64(index) >= state.tree.Capacity() {
		return crtypes.ExitProofFile{}, fmt.Errorf("payments: index %d out of range", index)
	}
	a, err := state.Account(index)
	if err != nil {
		return crtypes.ExitProofFile{}, err
	}
	if !a.Exists() {
		return crtypes.ExitProofFile{}, fmt.Errorf("payments: no account at index %d", index)
	}
	if !a.Key.X.Equal(&key.Public.X) || !a.Key.Y.Equal(&key.Public.Y) {
		return crtypes.ExitProofFile{}, fmt.Errorf("payments: the account at index %d belongs to another key", index)
	}
	root, err := state.Root()
	if err != nil {
		return crtypes.ExitProofFile{}, err
	}
	path, err := state.tree.Siblings(uint64(index))
	if err != nil {
		return crtypes.ExitProofFile{}, err
	}
	siblings := make([]string, len(path))
	for i := range path {
		b := path[i].Bytes()
		siblings[i] = hex.EncodeToString(b[:])
	}
	rb := root.Bytes()
	sig := SignExit(key, chainID, rollupID, uint64(index), recipient)
	return crtypes.ExitProofFile{
		RollupID:  rollupID,
		StateRoot: hex.EncodeToString(rb[:]),
		LeafIndex: uint64(index),
		Account:   hex.EncodeToString(key.Public.Address()),
		Balance:   a.Balance.String(),
		Nonce:     a.Nonce,
		Siblings:  siblings,
		Recipient: sdk.AccAddress(recipient).String(),
		Signature: hex.EncodeToString(sig.Bytes()),
	}, nil
}

// BuildCreditsExitProof writes a claim that proves no leaf: it collects the
// refund credits the chain owes key's address in the rollup whose current
// state root is root.
func BuildCreditsExitProof(root fr.Element, key *PrivateKey, chainID, rollupID string, recipient []byte) (crtypes.ExitProofFile, error) {
	if len(recipient) == 0 {
		return crtypes.ExitProofFile{}, fmt.Errorf("payments: empty recipient")
	}
	rb := root.Bytes()
	sig := SignExit(key, chainID, rollupID, crtypes.ExitLeafNone, recipient)
	return crtypes.ExitProofFile{
		RollupID:  rollupID,
		StateRoot: hex.EncodeToString(rb[:]),
		LeafIndex: crtypes.ExitLeafNone,
		Account:   hex.EncodeToString(key.Public.Address()),
		Balance:   "0",
		Siblings:  []string{},
		Recipient: sdk.AccAddress(recipient).String(),
		Signature: hex.EncodeToString(sig.Bytes()),
	}, nil
}

// ParseExitProofFile decodes a proof file into the root and the claim the
// chain checks (bech32 recipient under the process's account prefix).
func ParseExitProofFile(f crtypes.ExitProofFile) (root []byte, claim crtypes.ExitClaim, err error) {
	dec := func(what, s string) ([]byte, error) {
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("payments: exit proof %s: %w", what, err)
		}
		return b, nil
	}
	if root, err = dec("state_root", f.StateRoot); err != nil {
		return nil, claim, err
	}
	claim.LeafIndex, claim.Nonce = f.LeafIndex, f.Nonce
	if claim.Account, err = dec("account", f.Account); err != nil {
		return nil, claim, err
	}
	if claim.Signature, err = dec("signature", f.Signature); err != nil {
		return nil, claim, err
	}
	bal, ok := new(big.Int).SetString(f.Balance, 10)
	if !ok || bal.Sign() < 0 || bal.BitLen() > BalanceBits {
		return nil, claim, fmt.Errorf("payments: exit proof balance %q: want a decimal integer in [0, 2^%d)", f.Balance, BalanceBits)
	}
	claim.Balance = sdkmath.NewIntFromBigInt(bal)
	claim.Siblings = make([][]byte, len(f.Siblings))
	for i, s := range f.Siblings {
		if claim.Siblings[i], err = dec(fmt.Sprintf("sibling %d", i), s); err != nil {
			return nil, claim, err
		}
	}
	addr, err := sdk.AccAddressFromBech32(f.Recipient)
	if err != nil {
		return nil, claim, fmt.Errorf("payments: exit proof recipient: %w", err)
	}
	claim.Recipient = addr
	return root, claim, nil
}
