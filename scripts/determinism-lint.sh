#!/usr/bin/env bash
# determinism-lint.sh: fail if the chain's modules (x/) or the consensus
# encodings they share with the provers (protocol/) read the wall clock,
# draw random numbers, start goroutines or range over a map outside the code
# allowed below. Validators that disagree on any of these fork or halt the
# chain. Run by `make lint`; `scripts/determinism-lint.sh -v` also lists what
# the allowlist skipped.
#
# The check is type-aware (scripts/determinismlint): `range m` is flagged only
# when m is a map, `time.Now` only when it is package time's. Test files,
# generated files and testdata/ are not checked. A use that is deterministic
# after all is marked in place with `// determinism:ok REASON` (same line or
# the line above), e.g. a map range whose result is sorted before use.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# Allowlist: PATH_PREFIX=REASON. Only code that never runs in a state
# transition belongs here.
ALLOW=(
  "x/crossrollup/client=CLI and light-client code: runs in the user's process (the light client checks header expiry against the local clock), never in consensus"
  "x/rollups/client=CLI code: runs in the user's process, never in consensus"
  "x/rollups/testutil=test helpers (the test-circuit prover), linked only into tests and cmd/rollupdev, never into the node's state machine"
)

args=()
for entry in "${ALLOW[@]}"; do args+=(-allow "$entry"); done
exec go run ./scripts/determinismlint "$@" "${args[@]}" ./x/... ./protocol/...
