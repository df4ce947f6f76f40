package protocol

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// DAHash is the data-availability hash of a batch's posted data (the
// rollup's compressed transactions, stored on the base chain):
//
//	DAHash(data) = H(TagDA; len(data), c_1, ..., c_k)
//
// with c_i the 31-byte big-endian chunks of data, the last one right-padded
// with zeros. The chain computes it over the bytes it received; the circuit
// recomputes it over the transactions it executed. Cost: 1 + ceil(len/31)
// Poseidon2 compressions, natively and in-circuit.
func DAHash(data []byte) fr.Element {
	return bytesDigest(tagDA, data)
}
