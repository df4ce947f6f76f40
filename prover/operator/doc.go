// Package operator is the rollup operator daemon: sequencer, prover and
// submitter in one process (`nativechaind operator start`), generic over
// the rollup kind. A kind (prover/rollupkit.Kind, registered by name: the
// payments rollup in prover/payments is one) supplies the state, the
// transactions' wire form and admission checks, batch building with its
// circuit assignment, and the replay of other operators' batches; the
// operator supplies everything else: the mempool (ordered by the kind's
// sender keys, nonces and fees), batching, the persistent store and
// restart safety, proving (in process or through a prover fleet), the
// submission, the follower, the HTTP API, the metrics and the chain's
// outbox rules. This package imports no kind.
//
// The Operator is a thin composition of parts, each with one job and its
// own state:
//
//   - builder (builder.go, admission.go, evict.go): users POST signed
//     transactions to the HTTP API (api.go); each is checked against the
//     head state plus the transactions already accepted (the kind's
//     rollupkit.View; payments checks signature, nonce, balance) and
//     persisted in the mempool before the answer. The builder closes a
//     batch when the rollup's slots are full or the oldest waiting
//     transaction or inbox message is BatchTimeout old, applies it to the
//     head state with the kind's State.BuildBatch, has the store persist a
//     record of its exact inputs and hands the native batch to proving.
//   - proving (proving.go): proves up to MaxInFlight built batches at once,
//     lowest index first, through a Prover: prover/fleet's (jobs on a NATS
//     JetStream work queue, proven by workers, each proof checked against
//     the verifying key) or InlineProver (this process, one at a time).
//   - submitter (submitter.go): sends proven batches in index order,
//     consecutive proven ones together as several MsgSubmitBatch in one
//     transaction, through the SDK's tx factory and keyring, while proving
//     already works on the next ones, and tracks their inclusion.
//   - follower (follower.go, standby.go; the kind's Follow): polls the chain
//     for new blocks; when the rollup's next_batch_index moves past a
//     batch, the batch is committed to the verified state, this operator's
//     own or one another operator built (followed from its posted data).
//     A standby takes over from there when the rollup falls silent.
//   - store (store.go): the database and its mirror in memory.
//
// The builder's lock is the head lock: whoever changes the set of
// unverified batches (build, commit, follow, discard) holds it, since the
// head is their replay; each part's own lock is taken after it, never
// before.
//
// Restart safety: the verified state, the mempool and the batch records
// live in one database and change only in atomic writes. The head state is
// never persisted: it is rebuilt at start by replaying the unverified
// batches' inputs on the verified state. See docs/operator-guide.md.
package operator
