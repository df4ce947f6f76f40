package syncv1

import (
	"bytes"
	"encoding/binary"
)

// The encoding shared by every sync-v1 object (see docs/notes/i19-syncv1.md
// for the byte layouts):
//
//	u8, u32, u64   fixed width, big-endian
//	i64            fixed width, big-endian two's complement
//	b32            exactly 32 raw bytes, no prefix
//	bytes, string  uvarint(len) octets; uvarint is minimal unsigned LEB128
//	               and len is checked against the field's bound before
//	               anything is allocated
//	list           uvarint(count) item^count, count bounded likewise
//
// Every object starts with its u32 version. Decoders refuse truncated input,
// trailing bytes and non-minimal varints, and re-encode what they decoded,
// so that exactly one byte string encodes each object.

// hashLen is the length of every root, accumulator, entry hash and digest.
const hashLen = 32

type encoder struct{ buf []byte }

func (w *encoder) u8(v uint8)   { w.buf = append(w.buf, v) }
func (w *encoder) u32(v uint32) { w.buf = binary.BigEndian.AppendUint32(w.buf, v) }
func (w *encoder) u64(v uint64) { w.buf = binary.BigEndian.AppendUint64(w.buf, v) }
func (w *encoder) i64(v int64)  { w.u64(uint64(v)) }
func (w *encoder) uvarint(v uint64) {
	w.buf = binary.AppendUvarint(w.buf, v)
}
func (w *encoder) b32(b []byte) { w.buf = append(w.buf, b...) } // length checked by Validate
func (w *encoder) bytes(b []byte) {
	w.uvarint(uint64(len(b)))
	w.buf = append(w.buf, b...)
}
func (w *encoder) str(s string) { w.bytes([]byte(s)) }

// decoder reads the encoding. Its errors are the sentinels of the object
// being decoded.
type decoder struct {
	buf []byte
	off int

	malformed, nonCanonical, tooLarge error
}

func (r *decoder) remaining() int { return len(r.buf) - r.off }

func (r *decoder) take(n int, what string) ([]byte, error) {
	if n > r.remaining() {
		return nil, wrap(r.malformed, "%s: need %d bytes, %d left", what, n, r.remaining())
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b, nil
}

func (r *decoder) u8(what string) (uint8, error) {
	b, err := r.take(1, what)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *decoder) u32(what string) (uint32, error) {
	b, err := r.take(4, what)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

func (r *decoder) u64(what string) (uint64, error) {
	b, err := r.take(8, what)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

func (r *decoder) i64(what string) (int64, error) {
	v, err := r.u64(what)
	return int64(v), err
}

// b32 returns a copy of the next 32 bytes.
func (r *decoder) b32(what string) ([]byte, error) {
	b, err := r.take(hashLen, what)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

// uvarint reads a minimal LEB128 value.
func (r *decoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(r.buf[r.off:])
	if n == 0 {
		return 0, wrap(r.malformed, "%s: truncated varint", what)
	}
	if n < 0 {
		return 0, wrap(r.malformed, "%s: varint overflows 64 bits", what)
	}
	if n != len(binary.AppendUvarint(nil, v)) {
		return 0, wrap(r.nonCanonical, "%s: non-minimal varint", what)
	}
	r.off += n
	return v, nil
}

// count reads a list length of at most max items, each at least minItem
// bytes long, so a forged count cannot make the caller allocate.
func (r *decoder) count(what string, max uint64, minItem int) (int, error) {
	n, err := r.uvarint(what)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, wrap(r.tooLarge, "%s: %d items, max %d", what, n, max)
	}
	if n > uint64(r.remaining()/minItem) {
		return 0, wrap(r.malformed, "%s: %d items cannot fit in %d bytes", what, n, r.remaining())
	}
	return int(n), nil
}

// bytes reads a length-prefixed field of at most max bytes and returns a
// copy (nil when empty), so decoded objects never alias the input.
func (r *decoder) bytes(what string, max int) ([]byte, error) {
	n, err := r.uvarint(what)
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, wrap(r.tooLarge, "%s: %d bytes, max %d", what, n, max)
	}
	b, err := r.take(int(n), what)
	if err != nil || n == 0 {
		return nil, err
	}
	return bytes.Clone(b), nil
}

func (r *decoder) str(what string, max int) (string, error) {
	b, err := r.bytes(what, max)
	return string(b), err
}

func (r *decoder) end() error {
	if r.remaining() != 0 {
		return wrap(r.malformed, "%d trailing bytes", r.remaining())
	}
	return nil
}

// signBytes is tag || 0x00 || encoding: the domain separation of spec 3.1.
// Every tag starts with 'n' (0x6e), which begins no SDK sign bytes (amino
// JSON '{', SignDoc 0x0a, textual CBOR) and is no valid protobuf key.
func signBytes(tag string, encoding []byte) []byte {
	out := make([]byte, 0, len(tag)+1+len(encoding))
	out = append(out, tag...)
	out = append(out, 0)
	return append(out, encoding...)
}

// validAccountString is a light check of a bech32 account string: 1..max
// bytes of lowercase printable ASCII with a separator '1' after a
// non-empty prefix. The full check (checksum, prefix) is the verifier's,
// with the chain's address codec.
func validAccountString(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	sep := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || (c >= 'A' && c <= 'Z') {
			return false
		}
		if c == '1' {
			sep = i
		}
	}
	return sep > 0 && sep < len(s)-1
}
