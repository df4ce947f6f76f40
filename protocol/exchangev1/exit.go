package exchangev1

import (
	"context"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Exodus for the exchange-v1 layout (docs/spec/exodus.md, "exchange-v1
// layout"): once the chain freezes an exchange rollup, the owner of leaf i
// proves the leaf (key, base, quote, shares, nonce) with its Poseidon2 path
// to the accounts root, and the pool record (reserves, total shares) that
// the state root commits next to it, root = c(accountsRoot, PoolHash(pair, pool)), the pair being the layout's denoms.
// The leaf key's EdDSA signature, in this layout's Domain, over the
// payments-v1 ExitMessage authorises the L1 recipient. The claim is paid
// ExitPayout(account, pool): its balances plus its shares' part of the
// reserves, in the layout's base and quote denoms. The chain runs the
// verifier in consensus, so it parses every value strictly and never
// panics.

// ExitMessage is the one element an account signs to exit: the payments-v1
// construction, H(TagExit; leafIndex, AddressDigest(recipient)). The
// signature domain (Domain) is what separates the two layouts.
func ExitMessage(leafIndex uint64, recipient []byte) fr.Element {
	return paymentsv1.ExitMessage(leafIndex, recipient)
}

// ExitVerifier checks exchange-v1 exit claims. It is the verifier
// x/crossrollup's keeper runs for protocol.ExitLayoutExchangeV1.
type ExitVerifier struct{}

// NewExitVerifier is the verifier the app wires under
// protocol.ExitLayoutExchangeV1.
func NewExitVerifier() ExitVerifier { return ExitVerifier{} }

// ExitLeafCompressions is the fixed hashing of a leaf claim besides the
// path and the denom digests: the leaf (KeyHash and three compressions),
// the pool record (five) and the state root (one).
const ExitLeafCompressions = 10

// VerifyGas is (depth + ExitLeafCompressions + the two denom digests'
// compressions) compressions plus one signature check, priced as
// payments-v1 prices them (paymentsv1.ExitGasPerCompression,
// paymentsv1.ExitGasSignature), charged before VerifyExitPayout runs. A
// denom digest is 1 + ceil(len/31) compressions (2 for a denom of up to 31
// bytes; denoms are at most 128 bytes).
func (ExitVerifier) VerifyGas(layout protocol.ExitLayoutParams) uint64 {
	depth := uint64(layout.Depth)
	if depth > protocol.MaxExitDepth {
		depth = protocol.MaxExitDepth
	}
	n := depth + ExitLeafCompressions + digestCompressions(layout.Denom) + digestCompressions(layout.QuoteDenom)
	return n*paymentsv1.ExitGasPerCompression + paymentsv1.ExitGasSignature
}

// digestCompressions is the cost of protocol.DenomDigest of a denom, with
// its length capped at the SDK's 128-byte denom bound.
func digestCompressions(denom string) uint64 {
	n := uint64(len(denom))
	if n > 128 {
		n = 128
	}
	return 1 + (n+protocol.ChunkBytes-1)/protocol.ChunkBytes
}

func invalidExit(format string, args ...any) error {
	return protocol.ErrInvalidExitClaim.Wrapf(format, args...)
}

// VerifyExitPayout checks an exchange-v1 claim and returns what it is
// paid: ExitPayout(account, pool) in the layout's Denom (base) and
// QuoteDenom, zero amounts included. A claim with LeafIndex ==
// protocol.ExitLeafNone proves no leaf and carries no value: only the
// signature by Account is checked and nothing is returned (the keeper pays
// the credits). Every failure wraps protocol.ErrInvalidExitClaim.
func (ExitVerifier) VerifyExitPayout(_ context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) ([]protocol.ExitAmount, error) {
	if layout.Name != protocol.ExitLayoutExchangeV1 {
		return nil, invalidExit("layout %q is not %s", layout.Name, protocol.ExitLayoutExchangeV1)
	}
	if layout.Denom == "" || layout.QuoteDenom == "" || layout.Denom == layout.QuoteDenom {
		return nil, invalidExit("layout %s needs two distinct denoms, got %q and %q", protocol.ExitLayoutExchangeV1, layout.Denom, layout.QuoteDenom)
	}
	if layout.Depth < 1 || layout.Depth > protocol.MaxExitDepth {
		return nil, invalidExit("depth %d out of 1..%d", layout.Depth, protocol.MaxExitDepth)
	}
	var rootEl fr.Element
	if len(root) != fr.Bytes {
		return nil, invalidExit("state root: %d bytes, want %d", len(root), fr.Bytes)
	}
	if err := rootEl.SetBytesCanonical(root); err != nil {
		return nil, invalidExit("state root: %v", err)
	}
	if len(claim.Recipient) == 0 || len(claim.Recipient) > 255 {
		return nil, invalidExit("recipient: %d bytes", len(claim.Recipient))
	}
	key, err := paymentsv1.ParseAddress(claim.Account)
	if err != nil {
		return nil, invalidExit("account: %v", err)
	}
	sig, err := paymentsv1.ParseSignature(claim.Signature)
	if err != nil {
		return nil, invalidExit("signature: %v", err)
	}
	var payout []protocol.ExitAmount
	if claim.LeafIndex == protocol.ExitLeafNone {
		// A credits-only claim proves no leaf: it carries nothing else.
		if claim.Balance != nil && claim.Balance.Sign() != 0 || claim.Nonce != 0 || len(claim.Siblings) != 0 || claim.HasPairFields() {
			return nil, invalidExit("a claim without a leaf carries no balances, shares, pool, nonce or path")
		}
	} else {
		account, pool, err := verifyLeafAndPool(layout.Depth, Pair{Base: layout.Denom, Quote: layout.QuoteDenom}, rootEl, key, claim)
		if err != nil {
			return nil, err
		}
		base, quote := ExitPayout(account, pool)
		payout = []protocol.ExitAmount{{Denom: layout.Denom, Amount: base}, {Denom: layout.QuoteDenom, Amount: quote}}
	}
	if !key.Verify(sig, Domain(chainID, rollupID), ExitMessage(claim.LeafIndex, claim.Recipient)) {
		return nil, invalidExit("the account's signature does not authorise this exit")
	}
	return payout, nil
}

// amountField checks one claimed amount: present and in [0, 2^AmountBits).
func amountField(name string, v *big.Int) error {
	if v == nil || v.Sign() < 0 || v.BitLen() > AmountBits {
		return invalidExit("%s out of [0, 2^%d)", name, AmountBits)
	}
	return nil
}

// verifyLeafAndPool checks the claimed values' ranges, then recomputes the
// state root from the leaf, its path and the pool record.
func verifyLeafAndPool(depth uint32, pair Pair, root fr.Element, key PublicKey, claim protocol.ExitClaim) (Account, Pool, error) {
	if claim.LeafIndex>>depth != 0 {
		return Account{}, Pool{}, invalidExit("leaf index %d out of range for depth %d", claim.LeafIndex, depth)
	}
	if len(claim.Siblings) != int(depth) {
		return Account{}, Pool{}, invalidExit("%d siblings, want %d", len(claim.Siblings), depth)
	}
	for _, f := range []struct {
		name string
		v    *big.Int
	}{
		{"base balance", claim.Balance}, {"quote balance", claim.Quote}, {"shares", claim.Shares},
		{"pool base reserve", claim.PoolReserveBase}, {"pool quote reserve", claim.PoolReserveQuote}, {"pool total shares", claim.PoolTotalShares},
	} {
		if err := amountField(f.name, f.v); err != nil {
			return Account{}, Pool{}, err
		}
	}
	// A sound rollup never lets an account hold more shares than exist;
	// refusing it here keeps one account from claiming more than the
	// reserves even if the rollup's state is not sound.
	if claim.Shares.Cmp(claim.PoolTotalShares) > 0 {
		return Account{}, Pool{}, invalidExit("shares %s exceed the pool's total shares %s", claim.Shares, claim.PoolTotalShares)
	}
	siblings := make([]fr.Element, depth)
	for i, s := range claim.Siblings {
		if len(s) != fr.Bytes {
			return Account{}, Pool{}, invalidExit("sibling %d: %d bytes, want %d", i, len(s), fr.Bytes)
		}
		if err := siblings[i].SetBytesCanonical(s); err != nil {
			return Account{}, Pool{}, invalidExit("sibling %d: %v", i, err)
		}
	}
	account := Account{Key: key, Base: claim.Balance, Quote: claim.Quote, Shares: claim.Shares, Nonce: claim.Nonce}
	pool := Pool{ReserveBase: claim.PoolReserveBase, ReserveQuote: claim.PoolReserveQuote, TotalShares: claim.PoolTotalShares}
	accountsRoot := protocol.RootFromPath(LeafHash(account), claim.LeafIndex, siblings)
	got := StateRoot(accountsRoot, pair, pool)
	if !got.Equal(&root) {
		return Account{}, Pool{}, invalidExit("the leaf, its path and the pool record do not give the state root")
	}
	return account, pool, nil
}
