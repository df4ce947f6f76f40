package protocol

// BatchPublicInputs is the number of Groth16 public inputs of a batch proof
// (excluding gnark's constant ONE wire): the single folded commitment, see
// BatchCommitment.PublicInputs. Registered verifying keys must match it.
const BatchPublicInputs = 1

// MaxVerifyingKeyBytes bounds the encoded verifying key of a rollup: the
// chain accepts none larger whatever its params (x/rollups' max_vk_bytes,
// set by governance, may only be lower), and a prover's setup refuses to
// produce one.
const MaxVerifyingKeyBytes uint64 = 64 * 1024
