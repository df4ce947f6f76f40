package types

// BatchPublicInputs is the number of Groth16 public inputs of a batch proof
// (excluding gnark's constant ONE wire): the single folded commitment, see
// BatchCommitment.PublicInputs. Registered verifying keys must match it.
const BatchPublicInputs = 1
