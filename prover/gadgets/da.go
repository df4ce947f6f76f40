package gadgets

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// DAHash is protocol.DAHash over a fixed-length byte array: the chain hashes
// the posted batch data, the circuit the bytes it executed. Bytes must be
// range-checked to 8 bits by the caller (the circuit that decodes them
// usually does so anyway).
func (h *Hasher) DAHash(data []frontend.Variable) frontend.Variable {
	return h.BytesDigest(protocol.TagDA, data)
}

// DAHashPrefix is protocol.DAHash(data[:length]) for batches whose posted data
// is a variable-length prefix of a fixed-size array (unused slots not
// posted). Every byte at or after length must be zero; see
// BytesDigestPrefix.
func (h *Hasher) DAHashPrefix(data []frontend.Variable, length, nbChunks frontend.Variable, rc frontend.Rangechecker) frontend.Variable {
	return h.BytesDigestPrefix(protocol.TagDA, data, length, nbChunks, rc)
}
