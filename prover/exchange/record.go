package exchange

import (
	"errors"
	"fmt"
	"math/big"
)

// Kind is a slot's kind (spec section 2).
type Kind uint8

const (
	KindNoop Kind = iota
	KindSwap
	KindAdd
	KindRemove
	KindWithdraw
	KindCredit
	KindCallSwap
	KindRefund
	KindSkip
	numKinds
)

// RecordBytes is the size of a posted record:
// kind:1 | side:1 | account:3 | v1:16 | v2:16 | v3:16.
const RecordBytes = 53

// ErrData is returned for posted data that does not decode.
var ErrData = errors.New("exchange: bad batch data")

// Record is one slot of the posted data.
type Record struct {
	Kind       Kind
	Side       uint8
	Account    uint32
	V1, V2, V3 *big.Int
}

// Bytes is the record's encoding (values below 2^128).
func (r Record) Bytes() [RecordBytes]byte {
	var out [RecordBytes]byte
	out[0], out[1] = byte(r.Kind), r.Side
	out[2], out[3], out[4] = byte(r.Account>>16), byte(r.Account>>8), byte(r.Account)
	for i, v := range []*big.Int{r.V1, r.V2, r.V3} {
		if v != nil {
			v.FillBytes(out[5+16*i : 21+16*i])
		}
	}
	return out
}

// EncodeData is the posted data: the records of the non-no-op slots.
func EncodeData(records []Record) []byte {
	out := make([]byte, 0, RecordBytes*len(records))
	for _, r := range records {
		if r.Kind != KindNoop {
			b := r.Bytes()
			out = append(out, b[:]...)
		}
	}
	return out
}

// DecodeData parses posted data.
func DecodeData(data []byte) ([]Record, error) {
	if len(data)%RecordBytes != 0 {
		return nil, fmt.Errorf("%w: %d bytes", ErrData, len(data))
	}
	var out []Record
	for off := 0; off < len(data); off += RecordBytes {
		b := data[off : off+RecordBytes]
		r := Record{Kind: Kind(b[0]), Side: b[1], Account: uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]),
			V1: new(big.Int).SetBytes(b[5:21]), V2: new(big.Int).SetBytes(b[21:37]), V3: new(big.Int).SetBytes(b[37:53])}
		if r.Kind == KindNoop || r.Kind >= numKinds || r.Side > 1 {
			return nil, fmt.Errorf("%w: record %d: kind %d side %d", ErrData, len(out), r.Kind, r.Side)
		}
		out = append(out, r)
	}
	return out, nil
}
