package setup

import "errors"

// Errors returned by the key-file and ceremony readers. Callers test them
// with errors.Is; the wrapped message says which file and what differed.
var (
	// ErrKeysNotFound: the directory holds no key set (no keys.json, or a
	// file it names is missing).
	ErrKeysNotFound = errors.New("keys not found")
	// ErrNotSetupFile: the file does not start with this package's magic.
	ErrNotSetupFile = errors.New("not a nativechain setup file")
	// ErrUnsupportedVersion: a header or manifest of a format this build
	// does not read.
	ErrUnsupportedVersion = errors.New("unsupported setup file format version")
	// ErrWrongKind: a valid file of another kind (a phase-1 file where a
	// proving key was expected, say).
	ErrWrongKind = errors.New("wrong kind of setup file")
	// ErrWrongCircuit: keys or ceremony files made for another circuit hash.
	ErrWrongCircuit = errors.New("setup file is for another circuit")
	// ErrCorrupted: a body whose length or SHA-256 does not match its header
	// or the manifest, a truncated header, or a body gnark cannot decode.
	ErrCorrupted = errors.New("setup file corrupted")
	// ErrVerifyingKeyRejected: the verifying key is not one the chain's
	// verifier (x/rollups/verifier) accepts.
	ErrVerifyingKeyRejected = errors.New("verifying key rejected by the chain's verifier")
	// ErrCeremonyKeysPresent: a development setup would replace keys that
	// came from a ceremony.
	ErrCeremonyKeysPresent = errors.New("keys from a ceremony are present")
	// ErrContributionInvalid: a ceremony contribution, sealed SRS or key
	// does not follow from its predecessor.
	ErrContributionInvalid = errors.New("ceremony contribution invalid")
	// ErrIncompleteTranscript: files missing from a ceremony transcript
	// (a gap in the indexes, phase 2 without the sealed phase 1, ...).
	ErrIncompleteTranscript = errors.New("ceremony transcript incomplete")
	// ErrBadBeacon: the beacon is not hex or too short.
	ErrBadBeacon = errors.New("bad beacon")
)
