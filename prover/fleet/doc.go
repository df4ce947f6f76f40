// Package fleet proves batches on a fleet of prover workers through a NATS
// JetStream work queue (issue 16). It sits between the operator's proving
// part (prover/operator, proving.go: the Prover seam) and any number of
// worker processes (`nativechaind operator prover`), or one worker inside
// the operator process.
//
// # Data flow
//
//	operator ──publish job──▶ PROVE_JOBS (work queue, prove.job.<key hash>)
//	                              │ durable pull consumer per key hash
//	                              ▼
//	                      worker: prove, verify, publish result
//	                              │
//	operator ◀──result──── PROVE_RESULTS (limits, prove.result.<work id>)
//	         ◀──stats───── prove.worker.<name> (core NATS, every few seconds)
//
// # Identities
//
//   - key hash: hex SHA-256 of vk.bin (keys.json verifying_key.sha256, the
//     hash the chain stores for a rollup's key). It names a key set, and so
//     a circuit and its setup: a worker holds the proving keys of some key
//     hashes and consumes only their subjects.
//   - job id: hex SHA-256 over the rollup id, the batch index and the
//     SHA-256 of the serialized witness (JobID). The same batch built again
//     after an operator restart has the same id.
//   - work id: the job id for attempt 0, "<job id>-<n>" for attempt n. An
//     attempt is fresh when the operator refused the proof of the previous
//     one. Jobs and results are published with the work id as their
//     Nats-Msg-Id, so JetStream drops a republished job or a second result
//     within the streams' duplicate window.
//
// # Delivery
//
// A worker fetches one job at a time, sends InProgress while it proves
// (every third of the AckWait its consumer has on the server, at most
// every 2 s: the workers of a key hash share one consumer, and the last
// to start sets its AckWait) and acks the job only after its result is
// stored. A worker that dies mid-proof never acks: the job is
// redelivered after the consumer's AckWait to another worker (a
// redelivery, never a lost batch). A worker first looks the job's result
// up and acks without proving when it exists (a result stored just before
// a worker died), and the results stream keeps one result per work id, so
// the operator sees exactly one. The operator (Prover) looks a result up
// before publishing (a restarted operator finds the jobs it left), checks
// every proof against the rollup's verifying key, and retries under a
// fresh attempt when a worker's proof or error does not hold.
//
// # Payload size
//
// The witness travels inside the job message (no Object Store): a
// payments batch at depth 24 and 16 slots serializes to about 64 KiB
// (32 bytes per public and secret input, about 125 inputs per slot). The
// embedded server allows MaxPayload (8 MiB) and the jobs stream
// MaxMsgSize the same; against an external server the operator refuses to
// publish a job over the server's max_payload, with the setting to raise.
package fleet
