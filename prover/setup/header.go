package setup

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nativechain/nativechain/prover/circuits"
)

// FormatVersion is the version of the header and of the keys manifest.
const FormatVersion = 1

// magic starts every file this package writes with a header: proving keys
// and ceremony files. (vk.bin has no header: see doc.go.)
var magic = [8]byte{'N', 'C', 'S', 'E', 'T', 'U', 'P', 0}

const (
	maxCircuitNameLen = 64
	maxParamsLen      = 1024
	maxBeaconLen      = 1024
	// headerTailLen is body length (u64) and body SHA-256, the fields
	// WriteFile patches once the body has been streamed.
	headerTailLen = 8 + sha256.Size
)

// Kind says what a file's body is.
type Kind uint8

const (
	// KindProvingKey: a Groth16 BN254 proving key, gnark raw
	// (uncompressed) encoding.
	KindProvingKey Kind = 1
	// KindPhase1: a gnark mpcsetup Phase1 state (powers of tau); index 0
	// is the initial state, index i the state after the i-th contribution.
	KindPhase1 Kind = 2
	// KindSRS: the phase-1 result sealed with the beacon (gnark SrsCommons).
	KindSRS Kind = 3
	// KindPhase2: a gnark mpcsetup Phase2 state (circuit-specific).
	KindPhase2 Kind = 4
)

func (k Kind) String() string {
	switch k {
	case KindProvingKey:
		return "proving key"
	case KindPhase1:
		return "phase 1"
	case KindSRS:
		return "sealed phase 1 (srs)"
	case KindPhase2:
		return "phase 2"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Header is the fixed preamble of a setup file. Encoding, big endian:
//
//	magic "NCSETUP\0"    8
//	version              u16
//	kind                 u8
//	circuit name         u16 length + bytes (<= 64)
//	circuit params       u16 length + bytes (<= 1024, canonical "k=v,k=v")
//	circuit hash         32
//	domain size          u64   ceremony files: the FFT domain size N
//	index                u32   ceremony files: contribution number
//	parent               32    srs: hash of the last phase-1 body it seals;
//	                           phase 2: hash of the srs body
//	beacon               u16 length + bytes (<= 1024; srs only)
//	body length          u64
//	body SHA-256         32
//	body
type Header struct {
	Kind        Kind
	Circuit     string
	Params      string
	CircuitHash circuits.CircuitHash
	DomainSize  uint64
	Index       uint32
	Parent      [sha256.Size]byte
	Beacon      []byte
	BodyLen     uint64
	BodySHA256  [sha256.Size]byte
}

// CircuitLabel is "name(params)" for messages.
func (h *Header) CircuitLabel() string { return circuits.Describe(h.Circuit, h.Params) }

func (h *Header) marshal() ([]byte, error) {
	if len(h.Circuit) > maxCircuitNameLen || len(h.Params) > maxParamsLen || len(h.Beacon) > maxBeaconLen {
		return nil, fmt.Errorf("header field too long")
	}
	var b bytes.Buffer
	b.Write(magic[:])
	b.Write(binary.BigEndian.AppendUint16(nil, FormatVersion))
	b.WriteByte(byte(h.Kind))
	writeShort(&b, []byte(h.Circuit))
	writeShort(&b, []byte(h.Params))
	b.Write(h.CircuitHash[:])
	b.Write(binary.BigEndian.AppendUint64(nil, h.DomainSize))
	b.Write(binary.BigEndian.AppendUint32(nil, h.Index))
	b.Write(h.Parent[:])
	writeShort(&b, h.Beacon)
	b.Write(binary.BigEndian.AppendUint64(nil, h.BodyLen))
	b.Write(h.BodySHA256[:])
	return b.Bytes(), nil
}

func writeShort(b *bytes.Buffer, v []byte) {
	b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(v))))
	b.Write(v)
}

// readHeader decodes a header and returns it with its raw bytes.
func readHeader(r io.Reader) (Header, []byte, error) {
	var raw bytes.Buffer
	tr := io.TeeReader(r, &raw)
	var h Header
	fixed := func(n int) ([]byte, error) {
		b := make([]byte, n)
		if _, err := io.ReadFull(tr, b); err != nil {
			return nil, fmt.Errorf("%w: header truncated", ErrCorrupted)
		}
		return b, nil
	}
	short := func(max int, what string) ([]byte, error) {
		lb, err := fixed(2)
		if err != nil {
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(lb))
		if n > max {
			return nil, fmt.Errorf("%w: %s length %d exceeds %d", ErrCorrupted, what, n, max)
		}
		return fixed(n)
	}

	m, err := fixed(len(magic))
	if err != nil || !bytes.Equal(m, magic[:]) {
		return h, nil, ErrNotSetupFile
	}
	v, err := fixed(2)
	if err != nil {
		return h, nil, err
	}
	if got := binary.BigEndian.Uint16(v); got != FormatVersion {
		return h, nil, fmt.Errorf("%w: %d (this build reads %d)", ErrUnsupportedVersion, got, FormatVersion)
	}
	k, err := fixed(1)
	if err != nil {
		return h, nil, err
	}
	h.Kind = Kind(k[0])
	if h.Kind < KindProvingKey || h.Kind > KindPhase2 {
		return h, nil, fmt.Errorf("%w: unknown kind %d", ErrCorrupted, k[0])
	}
	name, err := short(maxCircuitNameLen, "circuit name")
	if err != nil {
		return h, nil, err
	}
	params, err := short(maxParamsLen, "circuit params")
	if err != nil {
		return h, nil, err
	}
	h.Circuit, h.Params = string(name), string(params)
	ch, err := fixed(sha256.Size)
	if err != nil {
		return h, nil, err
	}
	copy(h.CircuitHash[:], ch)
	rest, err := fixed(8 + 4 + sha256.Size)
	if err != nil {
		return h, nil, err
	}
	h.DomainSize = binary.BigEndian.Uint64(rest[0:8])
	h.Index = binary.BigEndian.Uint32(rest[8:12])
	copy(h.Parent[:], rest[12:])
	beacon, err := short(maxBeaconLen, "beacon")
	if err != nil {
		return h, nil, err
	}
	if len(beacon) > 0 {
		h.Beacon = beacon
	}
	tail, err := fixed(headerTailLen)
	if err != nil {
		return h, nil, err
	}
	h.BodyLen = binary.BigEndian.Uint64(tail[:8])
	copy(h.BodySHA256[:], tail[8:])
	return h, raw.Bytes(), nil
}

// WriteFile writes h and the body to path atomically (a temporary file in
// the same directory, renamed into place), filling in h.BodyLen and
// h.BodySHA256. It returns the completed header and the SHA-256 of the
// whole file.
func WriteFile(path string, h Header, body func(io.Writer) error) (Header, [sha256.Size]byte, error) {
	var fileHash [sha256.Size]byte
	h.BodyLen, h.BodySHA256 = 0, [sha256.Size]byte{}
	hdr, err := h.marshal()
	if err != nil {
		return h, fileHash, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return h, fileHash, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name()) // no-op after the rename
	}()
	// Keys and ceremony states are public (a Groth16 proving key holds no
	// secret); CreateTemp's 0600 would get in the way of publishing them.
	if err := tmp.Chmod(0o644); err != nil {
		return h, fileHash, err
	}

	bw := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := bw.Write(hdr); err != nil {
		return h, fileHash, err
	}
	bodyHash := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(bw, bodyHash)}
	if err := body(cw); err != nil {
		return h, fileHash, fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return h, fileHash, err
	}
	h.BodyLen = uint64(cw.n)
	copy(h.BodySHA256[:], bodyHash.Sum(nil))
	tail := append(binary.BigEndian.AppendUint64(nil, h.BodyLen), h.BodySHA256[:]...)
	if _, err := tmp.WriteAt(tail, int64(len(hdr)-headerTailLen)); err != nil {
		return h, fileHash, err
	}
	if err := tmp.Sync(); err != nil {
		return h, fileHash, err
	}

	// The whole-file hash (for the manifest) covers the final header.
	fileHash, err = hashFile(tmp)
	if err != nil {
		return h, fileHash, err
	}
	if err := tmp.Close(); err != nil {
		return h, fileHash, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return h, fileHash, err
	}
	return h, fileHash, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func hashFile(f *os.File) ([sha256.Size]byte, error) {
	var out [sha256.Size]byte
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return out, err
	}
	hw := sha256.New()
	if _, err := io.Copy(hw, bufio.NewReaderSize(f, 1<<20)); err != nil {
		return out, err
	}
	copy(out[:], hw.Sum(nil))
	return out, nil
}

// ReadHeader reads only the header of the file at path (no body check).
func ReadHeader(path string) (Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, err
	}
	defer f.Close()
	h, _, err := readHeader(bufio.NewReader(f))
	if err != nil {
		return h, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// verifiedFile is a setup file whose header parsed, whose kind is the
// expected one and whose body matches its length and SHA-256.
type verifiedFile struct {
	Header   Header
	FileHash [sha256.Size]byte
	f        *os.File
	bodyOff  int64
}

// openVerified checks the file at path in one streaming pass and returns
// it positioned for decoding the body. The caller closes it.
func openVerified(path string, want Kind) (*verifiedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	vf, err := verifyOpenFile(f, path, want)
	if err != nil {
		f.Close()
		return nil, err
	}
	return vf, nil
}

func verifyOpenFile(f *os.File, path string, want Kind) (*verifiedFile, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	whole := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(f, whole), 1<<20)
	h, raw, err := readHeader(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.Kind != want {
		return nil, fmt.Errorf("%w: %s is a %s file, want %s", ErrWrongKind, path, h.Kind, want)
	}
	if uint64(st.Size()) != uint64(len(raw))+h.BodyLen {
		return nil, fmt.Errorf("%w: %s is %d bytes, header says %d", ErrCorrupted, path, st.Size(), uint64(len(raw))+h.BodyLen)
	}
	// The TeeReader has fed whole with everything bufio read ahead; the
	// body hash needs exactly the bytes after the header.
	bodyHash := sha256.New()
	if _, err := io.Copy(bodyHash, br); err != nil {
		return nil, err
	}
	if !bytes.Equal(bodyHash.Sum(nil), h.BodySHA256[:]) {
		return nil, fmt.Errorf("%w: %s: body SHA-256 does not match its header", ErrCorrupted, path)
	}
	vf := &verifiedFile{Header: h, f: f, bodyOff: int64(len(raw))}
	copy(vf.FileHash[:], whole.Sum(nil))
	if _, err := f.Seek(vf.bodyOff, io.SeekStart); err != nil {
		return nil, err
	}
	return vf, nil
}

// decodeBody runs read over the body and requires it to consume all of it.
func (vf *verifiedFile) decodeBody(path string, read func(io.Reader) (int64, error)) error {
	n, err := read(bufio.NewReaderSize(vf.f, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: %s: decode: %v", ErrCorrupted, path, err)
	}
	if uint64(n) != vf.Header.BodyLen {
		return fmt.Errorf("%w: %s: decoder read %d of %d body bytes", ErrCorrupted, path, n, vf.Header.BodyLen)
	}
	return nil
}

func (vf *verifiedFile) Close() error { return vf.f.Close() }
