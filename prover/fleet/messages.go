package fleet

import (
	"encoding/json"
	"fmt"
	"time"
)

// messageVersion is the version of the job, result and stats encodings.
const messageVersion = 1

// Job is one proving job: a serialized witness to prove under one key.
// It travels as JSON on JobSubject(KeyHash).
type Job struct {
	Version int    `json:"v"`
	JobID   string `json:"job_id"`
	Attempt uint32 `json:"attempt"`
	// Circuit names the circuit for logs ("payments(denom=unat,depth=24,slots=16)");
	// KeyHash is what a worker proves with.
	Circuit  string `json:"circuit"`
	KeyHash  string `json:"key_hash"`
	RollupID string `json:"rollup_id"`
	Index    uint64 `json:"index"`
	// Witness is gnark's MarshalBinary of the full witness.
	Witness     []byte    `json:"witness"`
	PublishedAt time.Time `json:"published_at"`
}

// WorkID is the job's id for this attempt (the message id).
func (j *Job) WorkID() string { return WorkID(j.JobID, j.Attempt) }

func (j *Job) validate() error {
	switch {
	case j.Version != messageVersion:
		return fmt.Errorf("job version %d, this build reads %d", j.Version, messageVersion)
	case len(j.JobID) != 64 || !validToken(j.JobID):
		return fmt.Errorf("bad job id %q", j.JobID)
	case !validToken(j.KeyHash):
		return fmt.Errorf("bad key hash %q", j.KeyHash)
	case len(j.Witness) == 0:
		return fmt.Errorf("job %s has no witness", j.WorkID())
	}
	return nil
}

func decodeJob(bz []byte) (*Job, error) {
	var j Job
	if err := json.Unmarshal(bz, &j); err != nil {
		return nil, fmt.Errorf("decode job: %w", err)
	}
	if err := j.validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

// Result is a worker's answer to one work id: a proof or the reason
// there is none. It travels as JSON on ResultSubject(WorkID).
type Result struct {
	Version int    `json:"v"`
	WorkID  string `json:"work_id"`
	JobID   string `json:"job_id"`
	Worker  string `json:"worker"`
	// Proof is the compressed Groth16 proof, as MsgSubmitBatch takes it.
	Proof []byte `json:"proof,omitempty"`
	// Error says why there is no proof (the witness does not satisfy the
	// circuit, a malformed job).
	Error string `json:"error,omitempty"`
	// Delivered is how many times the job was delivered (more than 1: a
	// redelivery after a worker died or stalled).
	Delivered    uint64    `json:"delivered"`
	StartedAt    time.Time `json:"started_at"`
	ProveSeconds float64   `json:"prove_seconds"`
}

func decodeResult(bz []byte) (*Result, error) {
	var r Result
	if err := json.Unmarshal(bz, &r); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	if r.Version != messageVersion {
		return nil, fmt.Errorf("result version %d, this build reads %d", r.Version, messageVersion)
	}
	return &r, nil
}

// WorkerStats is a worker's heartbeat on WorkerSubject(Name), every
// WorkerOptions.StatsInterval and at each job's start and end.
type WorkerStats struct {
	Version    int      `json:"v"`
	Name       string   `json:"name"`
	KeyHashes  []string `json:"key_hashes"`
	ProofsDone uint64   `json:"proofs_done"`
	// MeanSeconds is the mean proving time of the proofs done.
	MeanSeconds  float64 `json:"mean_seconds"`
	Redeliveries uint64  `json:"redeliveries"` // jobs taken with NumDelivered > 1
	Failures     uint64  `json:"failures"`     // jobs answered with an error
	// Current is the job being proven, if any.
	Current *CurrentJob `json:"current,omitempty"`
	SentAt  time.Time   `json:"sent_at"`
}

// CurrentJob is the job a worker is proving.
type CurrentJob struct {
	WorkID    string    `json:"work_id"`
	RollupID  string    `json:"rollup_id"`
	Index     uint64    `json:"index"`
	Attempt   uint32    `json:"attempt"`
	Delivered uint64    `json:"delivered"`
	StartedAt time.Time `json:"started_at"`
}
