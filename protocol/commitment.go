package protocol

import (
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The batch commitment: the single BN254 scalar-field element that is the
// one public input of every batch proof (see proof.go). The chain computes
// it from its own state; the prover recomputes it in-circuit
// (prover/gadgets). docs/spec/batch-commitment.md is normative.

// Bounds on the values the commitment absorbs. They are hard limits of the
// encoding; module params may be tighter.
const (
	MaxChainIDLen  = 50 // CometBFT's MaxChainIDLen
	MaxRollupIDLen = 64
	MaxAddressLen  = 64
	MaxDenomLen    = 128
	MaxPayloadLen  = 4096
)

// BatchCommitmentArity is the number of field elements absorbed after the
// tag by the batch commitment hash (see BatchCommitment.Preimage).
const BatchCommitmentArity = 11

// BatchCommitment lists everything a batch proof attests to. The keeper fills
// every field from chain state or from values it computed itself (DAHash,
// OutboxHash, the stored inbox accumulators), never from the message.
type BatchCommitment struct {
	ChainID       string
	RollupID      string
	BatchIndex    uint64
	PrevStateRoot fr.Element
	NewStateRoot  fr.Element
	DAHash        fr.Element
	InboxBefore   fr.Element // inbox accumulator before the consumed range
	InboxAfter    fr.Element // inbox accumulator after the consumed range
	OutboxHash    fr.Element
	// L2TxCount is the number of L2 transactions the batch executed, as
	// the rollup's circuit counts them. Being proven, it can be paid for.
	L2TxCount uint64
	// Submitter is the raw L1 account address of the batch submitter. Binding
	// it into the statement means a proof seen in the mempool cannot be
	// resubmitted by anyone else (front-running a reward).
	Submitter []byte
}

// Validate checks the bounds of every field.
func (c BatchCommitment) Validate() error {
	if len(c.ChainID) == 0 || len(c.ChainID) > MaxChainIDLen {
		return ErrInvalidChainID.Wrapf("length %d, want 1..%d", len(c.ChainID), MaxChainIDLen)
	}
	if err := ValidateRollupID(c.RollupID); err != nil {
		return err
	}
	if err := validateAddress("submitter", c.Submitter, true); err != nil {
		return err
	}
	named := []struct {
		name string
		e    *fr.Element
	}{
		{"prev state root", &c.PrevStateRoot},
		{"new state root", &c.NewStateRoot},
		{"da hash", &c.DAHash},
		{"inbox before", &c.InboxBefore},
		{"inbox after", &c.InboxAfter},
		{"outbox hash", &c.OutboxHash},
	}
	for _, f := range named {
		if !IsReducedElement(f.e) {
			return ErrCommitmentInputNotReduced.Wrap(f.name)
		}
	}
	return nil
}

// Preimage returns the BatchCommitmentArity field elements the commitment
// hash absorbs, in order. The prover's witness for the commitment gadget.
func (c BatchCommitment) Preimage() ([]fr.Element, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var index, txCount fr.Element
	index.SetUint64(c.BatchIndex)
	txCount.SetUint64(c.L2TxCount)
	return []fr.Element{
		ChainIDDigest(c.ChainID),
		RollupIDDigest(c.RollupID),
		index,
		c.PrevStateRoot,
		c.NewStateRoot,
		c.DAHash,
		c.InboxBefore,
		c.InboxAfter,
		c.OutboxHash,
		txCount,
		AddressDigest(c.Submitter),
	}, nil
}

// Commitment is H(TagBatchCommitment; Preimage()).
func (c BatchCommitment) Commitment() (fr.Element, error) {
	pre, err := c.Preimage()
	if err != nil {
		return fr.Element{}, err
	}
	return Chain(tagBatchCommitment, pre...), nil
}

// PublicInputs is the Groth16 public witness of a batch proof, excluding the
// constant ONE wire: exactly one element, the commitment. One input keeps the
// verifying key and the verifier's multi-scalar multiplication minimal, while
// the in-circuit cost of the fold (11 compressions plus the digests, about 2.5k
// constraints) is
// small beside a single transfer.
func (c BatchCommitment) PublicInputs() ([]fr.Element, error) {
	cm, err := c.Commitment()
	if err != nil {
		return nil, err
	}
	return []fr.Element{cm}, nil
}

// ValidateRollupID checks the rollup id bounds of the encoding.
func ValidateRollupID(id string) error {
	if len(id) == 0 || len(id) > MaxRollupIDLen {
		return ErrInvalidRollupID.Wrapf("length %d, want 1..%d", len(id), MaxRollupIDLen)
	}
	return nil
}

// validateDenom follows the SDK's default denom rule,
// [a-zA-Z][a-zA-Z0-9/:._-]{2,127}, without a regexp.
func validateDenom(denom string) error {
	if len(denom) < 3 || len(denom) > MaxDenomLen {
		return ErrInvalidDenom.Wrapf("%q: length must be 3..%d", denom, MaxDenomLen)
	}
	for i := 0; i < len(denom); i++ {
		ch := denom[i]
		letter := (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		if i == 0 && !letter {
			return ErrInvalidDenom.Wrapf("%q: must start with a letter", denom)
		}
		if !letter && !(ch >= '0' && ch <= '9') && !strings.ContainsRune("/:._-", rune(ch)) {
			return ErrInvalidDenom.Wrapf("%q: invalid character %q", denom, ch)
		}
	}
	return nil
}

// validateValue checks an (amount, denom) pair: a zero amount carries no
// denom, a non-zero amount a valid one.
func validateValue(amount Uint128, denom string) error {
	if amount.IsZero() {
		if denom != "" {
			return ErrInvalidDenom.Wrap("denom set on a zero amount")
		}
		return nil
	}
	return validateDenom(denom)
}

func validateAddress(what string, addr []byte, required bool) error {
	if len(addr) > MaxAddressLen {
		return ErrInvalidAddress.Wrapf("%s: %d bytes, max %d", what, len(addr), MaxAddressLen)
	}
	if required && len(addr) == 0 {
		return ErrInvalidAddress.Wrapf("%s: empty", what)
	}
	return nil
}

func validatePayload(payload []byte) error {
	if len(payload) > MaxPayloadLen {
		return ErrPayloadTooLarge.Wrapf("%d bytes, max %d", len(payload), MaxPayloadLen)
	}
	return nil
}
