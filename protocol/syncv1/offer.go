package syncv1

import (
	"bytes"
	"crypto/sha256"

	"github.com/nativechain/nativechain/protocol"
)

// Version is the only version of the sync-v1 objects.
const Version uint32 = 1

// OfferSignTag is the domain-separation tag of an offer's sign bytes.
const OfferSignTag = "nativechain/sync-offer/v1"

// Bounds of the offer encoding.
const (
	// MaxAccountLen bounds a bech32 account string (Leader, Submitter): a
	// 32-byte address with a short prefix is about 65 characters.
	MaxAccountLen = 128
	// MaxProvisional bounds the entries an offer consumes that are not yet
	// on chain (one round's tail of one inbox).
	MaxProvisional = 1024
	// MaxOfferBytes bounds a whole encoded offer: the outbox and every
	// other field at its maximum fit.
	MaxOfferBytes = protocol.MaxOutboxBytes + 64*1024
)

// Role is what an offer's batch does in a round (spec section 2).
type Role uint8

const (
	RoleUnspecified Role = 0 // invalid
	RoleCaller      Role = 1 // carries the users' sends to the exchange
	RoleExchange    Role = 2 // the leader's batch: consumes the calls, swaps
	RoleDestination Role = 3 // consumes what the exchange routes to it
)

// String names the role.
func (r Role) String() string {
	switch r {
	case RoleCaller:
		return "caller"
	case RoleExchange:
		return "exchange"
	case RoleDestination:
		return "destination"
	default:
		return "unspecified"
	}
}

// EntryRef names an inbox entry a batch consumes that is not on chain yet:
// its sequence and its entry hash (protocol.InboxEntry.Hash, 32 bytes).
type EntryRef struct {
	Sequence  uint64
	EntryHash []byte
}

// Offer is a signed batch header (spec 3.1): what an operator will submit
// and emit, before it is on chain. An intent has a zero ProofSHA256.
// The spec's calls list (CallRef) is not in v1's encoding: the users'
// status is reported by the leader's HTTP API.
type Offer struct {
	Version      uint32
	ChainID      string
	Leader       string // bech32 address of the leader this offer is for
	Round        uint64
	ExpiryHeight int64
	Role         Role
	RollupID     string
	BatchIndex   uint64

	PrevStateRoot, NewStateRoot, DAHash, InboxBefore, InboxAfter []byte // 32 bytes each

	InboxFrom, InboxConsumed, L2TxCount uint64

	Provisional []EntryRef // sorted strictly by sequence
	Outbox      []byte     // protocol.EncodeOutbox bytes, whole
	Submitter   string     // bech32; the signer
	ProofSHA256 []byte     // 32 bytes; zero in an intent
}

// IsIntent reports whether the offer carries no proof digest (spec 3.2).
func (o Offer) IsIntent() bool {
	return len(o.ProofSHA256) == hashLen && bytes.Equal(o.ProofSHA256, make([]byte, hashLen))
}

// Validate checks every field: the version and role, non-empty bounded
// ids, ExpiryHeight > 0, 32-byte roots, accumulators and entry hashes that
// are canonical field elements, a consumed range that does not overflow,
// provisional entries sorted strictly by sequence inside it, and an outbox
// that protocol.DecodeOutbox accepts.
func (o Offer) Validate() error {
	if o.Version != Version {
		return wrap(ErrOfferVersion, "version %d, want %d", o.Version, Version)
	}
	switch o.Role {
	case RoleCaller, RoleExchange, RoleDestination:
	default:
		return wrap(ErrOfferRole, "%d", uint8(o.Role))
	}
	if len(o.ChainID) == 0 {
		return wrap(ErrOfferInvalid, "empty chain id")
	}
	if len(o.ChainID) > protocol.MaxChainIDLen {
		return wrap(ErrOfferTooLarge, "chain id of %d bytes, max %d", len(o.ChainID), protocol.MaxChainIDLen)
	}
	if len(o.RollupID) == 0 {
		return wrap(ErrOfferInvalid, "empty rollup id")
	}
	if len(o.RollupID) > protocol.MaxRollupIDLen {
		return wrap(ErrOfferTooLarge, "rollup id of %d bytes, max %d", len(o.RollupID), protocol.MaxRollupIDLen)
	}
	for _, a := range []struct{ name, v string }{{"leader", o.Leader}, {"submitter", o.Submitter}} {
		if len(a.v) > MaxAccountLen {
			return wrap(ErrOfferTooLarge, "%s of %d bytes, max %d", a.name, len(a.v), MaxAccountLen)
		}
		if !validAccountString(a.v, MaxAccountLen) {
			return wrap(ErrOfferInvalid, "%s %q is not a bech32 account string", a.name, a.v)
		}
	}
	if o.ExpiryHeight <= 0 {
		return wrap(ErrOfferInvalid, "expiry height %d, want > 0", o.ExpiryHeight)
	}
	for _, f := range []struct {
		name string
		v    []byte
	}{
		{"prev state root", o.PrevStateRoot}, {"new state root", o.NewStateRoot}, {"da hash", o.DAHash},
		{"inbox before", o.InboxBefore}, {"inbox after", o.InboxAfter},
	} {
		if _, err := protocol.ParseFieldElement(f.v); err != nil {
			return wrap(ErrOfferInvalid, "%s: %v", f.name, err)
		}
	}
	if len(o.ProofSHA256) != hashLen {
		return wrap(ErrOfferInvalid, "proof sha256 of %d bytes, want %d", len(o.ProofSHA256), hashLen)
	}
	end := o.InboxFrom + o.InboxConsumed
	if end < o.InboxFrom {
		return wrap(ErrOfferInvalid, "inbox range %d+%d overflows", o.InboxFrom, o.InboxConsumed)
	}
	if len(o.Provisional) > MaxProvisional {
		return wrap(ErrOfferTooLarge, "%d provisional entries, max %d", len(o.Provisional), MaxProvisional)
	}
	for i, p := range o.Provisional {
		if i > 0 && p.Sequence <= o.Provisional[i-1].Sequence {
			return wrap(ErrOfferInvalid, "provisional entry %d: sequence %d not above %d", i, p.Sequence, o.Provisional[i-1].Sequence)
		}
		if p.Sequence < o.InboxFrom || p.Sequence >= end {
			return wrap(ErrOfferInvalid, "provisional entry %d: sequence %d outside the consumed range [%d, %d)", i, p.Sequence, o.InboxFrom, end)
		}
		if _, err := protocol.ParseFieldElement(p.EntryHash); err != nil {
			return wrap(ErrOfferInvalid, "provisional entry %d hash: %v", i, err)
		}
	}
	if len(o.Outbox) > protocol.MaxOutboxBytes {
		return wrap(ErrOfferTooLarge, "outbox of %d bytes, max %d", len(o.Outbox), protocol.MaxOutboxBytes)
	}
	if _, err := protocol.DecodeOutbox(o.Outbox); err != nil {
		return wrap(ErrOfferInvalid, "outbox: %v", err)
	}
	return nil
}

// Encode is the canonical encoding of a valid offer (layout in
// docs/notes/i19-syncv1.md):
//
//	u32 version | string chain_id | string leader | u64 round |
//	i64 expiry_height | u8 role | string rollup_id | u64 batch_index |
//	b32 prev_state_root | b32 new_state_root | b32 da_hash |
//	b32 inbox_before | b32 inbox_after | u64 inbox_from |
//	u64 inbox_consumed | u64 l2_tx_count |
//	uvarint(n) (u64 sequence | b32 entry_hash)^n |
//	bytes outbox | string submitter | b32 proof_sha256
func (o Offer) Encode() ([]byte, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o.appendTo(nil), nil
}

func (o Offer) appendTo(buf []byte) []byte {
	w := encoder{buf: buf}
	w.u32(o.Version)
	w.str(o.ChainID)
	w.str(o.Leader)
	w.u64(o.Round)
	w.i64(o.ExpiryHeight)
	w.u8(uint8(o.Role))
	w.str(o.RollupID)
	w.u64(o.BatchIndex)
	w.b32(o.PrevStateRoot)
	w.b32(o.NewStateRoot)
	w.b32(o.DAHash)
	w.b32(o.InboxBefore)
	w.b32(o.InboxAfter)
	w.u64(o.InboxFrom)
	w.u64(o.InboxConsumed)
	w.u64(o.L2TxCount)
	w.uvarint(uint64(len(o.Provisional)))
	for _, p := range o.Provisional {
		w.u64(p.Sequence)
		w.b32(p.EntryHash)
	}
	w.bytes(o.Outbox)
	w.str(o.Submitter)
	w.b32(o.ProofSHA256)
	return w.buf
}

// DecodeOffer is the strict inverse of Encode: it refuses input over
// MaxOfferBytes, an unknown version or role, truncated input, oversize
// fields, trailing bytes, an offer that fails Validate, and bytes that do
// not re-encode identically. It never panics and allocates at most a small
// multiple of len(b).
func DecodeOffer(b []byte) (Offer, error) {
	if len(b) > MaxOfferBytes {
		return Offer{}, wrap(ErrOfferTooLarge, "%d bytes, max %d", len(b), MaxOfferBytes)
	}
	r := decoder{buf: b, malformed: ErrOfferMalformed, nonCanonical: ErrOfferNonCanonical, tooLarge: ErrOfferTooLarge}
	o, err := readOffer(&r)
	if err != nil {
		return Offer{}, err
	}
	if err := r.end(); err != nil {
		return Offer{}, err
	}
	if err := o.Validate(); err != nil {
		return Offer{}, err
	}
	if !bytes.Equal(o.appendTo(nil), b) {
		return Offer{}, wrap(ErrOfferNonCanonical, "does not re-encode identically")
	}
	return o, nil
}

func readOffer(r *decoder) (Offer, error) {
	var o Offer
	var err error
	if o.Version, err = r.u32("version"); err != nil {
		return o, err
	}
	if o.Version != Version {
		return o, wrap(ErrOfferVersion, "version %d, want %d", o.Version, Version)
	}
	if o.ChainID, err = r.str("chain id", protocol.MaxChainIDLen); err != nil {
		return o, err
	}
	if o.Leader, err = r.str("leader", MaxAccountLen); err != nil {
		return o, err
	}
	if o.Round, err = r.u64("round"); err != nil {
		return o, err
	}
	if o.ExpiryHeight, err = r.i64("expiry height"); err != nil {
		return o, err
	}
	role, err := r.u8("role")
	if err != nil {
		return o, err
	}
	if o.Role = Role(role); o.Role < RoleCaller || o.Role > RoleDestination {
		return o, wrap(ErrOfferRole, "%d", role)
	}
	if o.RollupID, err = r.str("rollup id", protocol.MaxRollupIDLen); err != nil {
		return o, err
	}
	if o.BatchIndex, err = r.u64("batch index"); err != nil {
		return o, err
	}
	for _, f := range []struct {
		name string
		dst  *[]byte
	}{
		{"prev state root", &o.PrevStateRoot}, {"new state root", &o.NewStateRoot}, {"da hash", &o.DAHash},
		{"inbox before", &o.InboxBefore}, {"inbox after", &o.InboxAfter},
	} {
		if *f.dst, err = r.b32(f.name); err != nil {
			return o, err
		}
	}
	for _, f := range []struct {
		name string
		dst  *uint64
	}{{"inbox from", &o.InboxFrom}, {"inbox consumed", &o.InboxConsumed}, {"l2 tx count", &o.L2TxCount}} {
		if *f.dst, err = r.u64(f.name); err != nil {
			return o, err
		}
	}
	n, err := r.count("provisional", MaxProvisional, 8+hashLen)
	if err != nil {
		return o, err
	}
	if n > 0 {
		o.Provisional = make([]EntryRef, n)
		for i := range o.Provisional {
			if o.Provisional[i].Sequence, err = r.u64("provisional sequence"); err != nil {
				return o, err
			}
			if o.Provisional[i].EntryHash, err = r.b32("provisional entry hash"); err != nil {
				return o, err
			}
		}
	}
	if o.Outbox, err = r.bytes("outbox", protocol.MaxOutboxBytes); err != nil {
		return o, err
	}
	if o.Submitter, err = r.str("submitter", MaxAccountLen); err != nil {
		return o, err
	}
	if o.ProofSHA256, err = r.b32("proof sha256"); err != nil {
		return o, err
	}
	return o, nil
}

// SignBytes is what the submitter signs:
// "nativechain/sync-offer/v1" || 0x00 || Encode().
func (o Offer) SignBytes() ([]byte, error) {
	enc, err := o.Encode()
	if err != nil {
		return nil, err
	}
	return signBytes(OfferSignTag, enc), nil
}

// ID is sha256(SignBytes()), the offer's name in rounds, replies and
// evidence. An offer that does not Validate has no ID: the zero value.
func (o Offer) ID() [32]byte {
	sb, err := o.SignBytes()
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(sb)
}

// Conflicts reports equivocation (spec 3.1, section 7): two valid offers
// for the same (rollup id, batch index, prev state root) with different
// IDs. Invalid offers never conflict (they are not evidence).
func Conflicts(a, b Offer) bool {
	if a.RollupID != b.RollupID || a.BatchIndex != b.BatchIndex || !bytes.Equal(a.PrevStateRoot, b.PrevStateRoot) {
		return false
	}
	if a.Validate() != nil || b.Validate() != nil {
		return false
	}
	return a.ID() != b.ID()
}
