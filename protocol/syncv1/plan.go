package syncv1

import (
	"bytes"
	"crypto/sha256"

	"github.com/nativechain/nativechain/protocol"
)

// AbortSignTag is the domain-separation tag of an Abort's sign bytes.
const AbortSignTag = "nativechain/sync-abort/v1"

// MaxAbortReasonLen bounds an Abort's reason.
const MaxAbortReasonLen = 256

// maxAbortBytes bounds a whole encoded Abort.
const maxAbortBytes = 4 + 1 + protocol.MaxChainIDLen + 2 + MaxAccountLen + 8 + 2 + MaxAbortReasonLen

// Abort is the leader's signed word that a round will not be bundled
// (spec 3.3): its members may submit their batches alone at once.
type Abort struct {
	Version uint32
	ChainID string
	Leader  string // bech32; the signer
	Round   uint64
	Reason  string // printable ASCII, for operators' logs
}

// Validate checks the version, a non-empty bounded chain id, the leader's
// account string and a bounded printable reason.
func (a Abort) Validate() error {
	if a.Version != Version {
		return wrap(ErrAbortVersion, "version %d, want %d", a.Version, Version)
	}
	if len(a.ChainID) == 0 {
		return wrap(ErrAbortInvalid, "empty chain id")
	}
	if len(a.ChainID) > protocol.MaxChainIDLen {
		return wrap(ErrAbortTooLarge, "chain id of %d bytes, max %d", len(a.ChainID), protocol.MaxChainIDLen)
	}
	if len(a.Leader) > MaxAccountLen {
		return wrap(ErrAbortTooLarge, "leader of %d bytes, max %d", len(a.Leader), MaxAccountLen)
	}
	if !validAccountString(a.Leader, MaxAccountLen) {
		return wrap(ErrAbortInvalid, "leader %q is not a bech32 account string", a.Leader)
	}
	if len(a.Reason) > MaxAbortReasonLen {
		return wrap(ErrAbortTooLarge, "reason of %d bytes, max %d", len(a.Reason), MaxAbortReasonLen)
	}
	for i := 0; i < len(a.Reason); i++ {
		if c := a.Reason[i]; c < 0x20 || c > 0x7e {
			return wrap(ErrAbortInvalid, "reason byte %d is 0x%02x, want printable ASCII", i, c)
		}
	}
	return nil
}

// Encode is the canonical encoding of a valid Abort:
//
//	u32 version | string chain_id | string leader | u64 round | string reason
func (a Abort) Encode() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return a.appendTo(nil), nil
}

func (a Abort) appendTo(buf []byte) []byte {
	w := encoder{buf: buf}
	w.u32(a.Version)
	w.str(a.ChainID)
	w.str(a.Leader)
	w.u64(a.Round)
	w.str(a.Reason)
	return w.buf
}

// DecodeAbort is the strict inverse of Encode, with DecodeOffer's rules.
func DecodeAbort(b []byte) (Abort, error) {
	if len(b) > maxAbortBytes {
		return Abort{}, wrap(ErrAbortTooLarge, "%d bytes, max %d", len(b), maxAbortBytes)
	}
	r := decoder{buf: b, malformed: ErrAbortMalformed, nonCanonical: ErrAbortNonCanonical, tooLarge: ErrAbortTooLarge}
	var a Abort
	var err error
	if a.Version, err = r.u32("version"); err != nil {
		return Abort{}, err
	}
	if a.Version != Version {
		return Abort{}, wrap(ErrAbortVersion, "version %d, want %d", a.Version, Version)
	}
	if a.ChainID, err = r.str("chain id", protocol.MaxChainIDLen); err != nil {
		return Abort{}, err
	}
	if a.Leader, err = r.str("leader", MaxAccountLen); err != nil {
		return Abort{}, err
	}
	if a.Round, err = r.u64("round"); err != nil {
		return Abort{}, err
	}
	if a.Reason, err = r.str("reason", MaxAbortReasonLen); err != nil {
		return Abort{}, err
	}
	if err := r.end(); err != nil {
		return Abort{}, err
	}
	if err := a.Validate(); err != nil {
		return Abort{}, err
	}
	if !bytes.Equal(a.appendTo(nil), b) {
		return Abort{}, wrap(ErrAbortNonCanonical, "does not re-encode identically")
	}
	return a, nil
}

// SignBytes is what the leader signs:
// "nativechain/sync-abort/v1" || 0x00 || Encode().
func (a Abort) SignBytes() ([]byte, error) {
	enc, err := a.Encode()
	if err != nil {
		return nil, err
	}
	return signBytes(AbortSignTag, enc), nil
}

// ID is sha256(SignBytes()); the zero value for an Abort that does not
// Validate.
func (a Abort) ID() [32]byte {
	sb, err := a.SignBytes()
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(sb)
}
