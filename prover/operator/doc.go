// Package operator is the payments rollup's operator daemon: sequencer,
// prover and submitter in one process (`nativechaind operator start`).
//
// Data flow: users POST signed transactions to the HTTP API; each is
// checked against the head state plus the transactions already accepted
// (signature, nonce, balance) and persisted in the mempool before the
// answer. The builder closes a batch when the rollup's slots are full or
// the oldest waiting transaction or inbox message is BatchTimeout old,
// applies it to the head state with payments.State.BuildBatch and persists
// a record of its exact inputs. The prover proves batches in index order;
// the submitter sends them one at a time through the SDK's tx factory and
// keyring, while the prover already works on the next one. The watcher
// polls the chain for new blocks; when the rollup's next_batch_index moves
// past a batch, the batch is committed to the verified state.
//
// Restart safety: the verified state, the mempool and the batch records
// live in one database and change only in atomic writes. The head state is
// never persisted: it is rebuilt at start by replaying the unverified
// batches' inputs on the verified state. See docs/operator-guide.md.
package operator
