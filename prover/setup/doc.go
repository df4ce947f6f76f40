// Package setup makes, stores and checks the Groth16 (BN254) keys of a
// rollup circuit: the single-party development setup, the multi-party
// ceremony built on gnark's mpcsetup, and the key files the operator loads
// at start-up. It sits between prover/circuits (which names and compiles a
// circuit) and the operator daemon (which proves with the keys); the
// verifying key it writes is what `nativechaind tx rollups register
// --vk-file` sends to the chain.
//
// # Key set layout
//
// A key set lives in <keys root>/<circuit hash>/ (root default
// $HOME/.nativechain/keys):
//
//	vk.bin     the verifying key, bare gnark compressed encoding
//	pk.bin     header + the proving key in gnark's raw (uncompressed) encoding
//	keys.json  the manifest: circuit, params, circuit hash, constraint count,
//	           "unsafe_dev_setup", SHA-256 and size of both files, setup time,
//	           gnark version, and for ceremony keys every contribution hash
//	           and both beacons
//
// vk.bin has no header on purpose: it must be byte for byte what the chain
// stores (x/rollups/verifier rejects any extra byte), its SHA-256 is the vk
// hash the chain reports, and the register command takes it as is. The
// manifest binds it to the circuit instead. pk.bin never leaves the
// operator, so it carries its own header (magic, format version, kind,
// circuit name, params and hash, body length and SHA-256), which lets a
// reader reject a wrong or damaged key before gnark allocates anything.
//
// LoadKeys is the operator's start-up check: manifest for the expected
// circuit hash, both file hashes, pk.bin's header, vk.bin accepted by the
// chain's verifier, and pk and vk from the same setup. It decodes the raw
// proving key without subgroup checks: the hashes already vouch for it,
// and the raw decoding is far faster than decompressing every point (see
// BenchmarkLoadProvingKey and docs/PERFORMANCE.md).
//
// Errors are sentinels (errors.go) to test with errors.Is.
//
// # Ceremony files
//
// Ceremony states use the same header (kinds phase 1, srs, phase 2) around
// gnark's mpcsetup encodings. The body's SHA-256 is the contribution hash:
// the next contribution's challenge commits to it and the final manifest
// lists it. Transcript.Verify checks a whole transcript from scratch; the
// user guide is docs/trusted-setup.md.
package setup
