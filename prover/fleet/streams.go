package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Streams and subjects.
const (
	JobsStream    = "PROVE_JOBS"
	ResultsStream = "PROVE_RESULTS"

	jobSubjectPrefix    = "prove.job."
	resultSubjectPrefix = "prove.result."
	workerSubjectPrefix = "prove.worker."

	// MaxPayload is the embedded server's max_payload and the jobs
	// stream's largest message: far above a payments witness (doc.go).
	MaxPayload = 8 << 20
	// DuplicateWindow is how long a republished job or a second result
	// is dropped by its message id. A job republished later (an operator
	// down for longer) is found by its result first, on both sides.
	DuplicateWindow = time.Hour
	// ResultsMaxAge is how long a result is kept for an operator that
	// restarts before reading it.
	ResultsMaxAge = 24 * time.Hour
)

// JobSubject is where jobs for key hash keyHash are published.
func JobSubject(keyHash string) string { return jobSubjectPrefix + keyHash }

// ResultSubject is where the result of work id workID is published.
func ResultSubject(workID string) string { return resultSubjectPrefix + workID }

// WorkerSubject is where worker name publishes its stats.
func WorkerSubject(name string) string { return workerSubjectPrefix + name }

// JobID is hex SHA-256 over the rollup id, the batch index and the
// SHA-256 of the serialized witness: a batch built again (an operator
// restart) has the same id, another batch or another witness another.
func JobID(rollupID string, index uint64, witnessHash [sha256.Size]byte) string {
	h := sha256.New()
	h.Write([]byte("nativechain/prove-job/v1"))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(rollupID))))
	h.Write([]byte(rollupID))
	h.Write(binary.BigEndian.AppendUint64(nil, index))
	h.Write(witnessHash[:])
	return hex.EncodeToString(h.Sum(nil))
}

// WorkID is the id of attempt n at job jobID: the job id itself for the
// first attempt, "<job id>-<n>" for the ones after a refused proof.
func WorkID(jobID string, attempt uint32) string {
	if attempt == 0 {
		return jobID
	}
	return jobID + "-" + strconv.FormatUint(uint64(attempt), 10)
}

// validToken reports whether s can be one subject token (a key hash, a
// work id, a worker name).
func validToken(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".*> \t\r\n")
}

// WorkerName makes s a valid worker name (one subject token).
func WorkerName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "worker"
	}
	return string(b)
}

// jobsConfig is the work queue of proving jobs: a job is removed when a
// worker acks it.
func jobsConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        JobsStream,
		Description: "nativechain proving jobs (one per batch attempt), by key hash",
		Subjects:    []string{jobSubjectPrefix + "*"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		MaxMsgSize:  MaxPayload,
		Duplicates:  DuplicateWindow,
		Discard:     jetstream.DiscardOld,
		Replicas:    1,
	}
}

// resultsConfig keeps one result per work id for ResultsMaxAge.
func resultsConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:              ResultsStream,
		Description:       "nativechain proving results, by work id",
		Subjects:          []string{resultSubjectPrefix + "*"},
		Retention:         jetstream.LimitsPolicy,
		Storage:           jetstream.FileStorage,
		MaxAge:            ResultsMaxAge,
		MaxMsgsPerSubject: 1,
		Duplicates:        DuplicateWindow,
		Discard:           jetstream.DiscardOld,
		Replicas:          1,
	}
}

// Streams are the two streams of a fleet, created if missing: operators
// and workers both call EnsureStreams with the same configuration, so
// whichever starts first creates them.
type Streams struct {
	Jobs    jetstream.Stream
	Results jetstream.Stream
}

// EnsureStreams creates or updates the jobs and results streams.
func EnsureStreams(ctx context.Context, js jetstream.JetStream) (*Streams, error) {
	jobs, err := js.CreateOrUpdateStream(ctx, jobsConfig())
	if err != nil {
		return nil, fmt.Errorf("fleet: stream %s: %w", JobsStream, err)
	}
	results, err := js.CreateOrUpdateStream(ctx, resultsConfig())
	if err != nil {
		return nil, fmt.Errorf("fleet: stream %s: %w", ResultsStream, err)
	}
	return &Streams{Jobs: jobs, Results: results}, nil
}

// consumerName is the durable pull consumer of the jobs of keyHash, which
// every worker holding that key shares.
func consumerName(keyHash string) string { return "prove-" + keyHash }
