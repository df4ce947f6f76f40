#!/usr/bin/env bash
# fuzz.sh: run every fuzz target of the chain for a bounded time each.
#
#   scripts/fuzz.sh                 every target, FUZZTIME each
#   scripts/fuzz.sh FuzzParseProof  only the targets whose name matches
#
# `go test -fuzz` takes one target per package per invocation, hence the
# list. New inputs that widen coverage go to the Go build cache; a failing
# input is written to the package's testdata/fuzz/<Target>/ and the script
# stops, so it can be committed as a regression seed.
#
# Environment knobs (defaults in brackets):
#   FUZZTIME       time per target, a Go duration or Nx iterations [30s]
#   FUZZ_PARALLEL  fuzzing workers per target [2]
#   GO             the go command [go]
set -euo pipefail

cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
FUZZ_PARALLEL=${FUZZ_PARALLEL:-2}
GO=${GO:-go}
filter=${1:-}

# package  target
TARGETS=(
	"./x/rollups/verifier/ FuzzValidateVerifyingKey"
	"./x/rollups/verifier/ FuzzParseProof"
	"./x/rollups/verifier/ FuzzVerify"
	"./x/rollups/verifier/ FuzzBatchVerifyMatchesOneByOne"
	"./protocol/ FuzzDecodeOutbox"
	"./protocol/ FuzzOutboxEntry"
	"./protocol/ FuzzDAHash"
	"./protocol/ FuzzParseFieldElement"
	"./protocol/ FuzzParseUint128"
	"./x/rollups/types/ FuzzInboxMessage"
	"./x/rollups/keeper/ FuzzMsgServer"
	"./x/crossrollup/keeper/ FuzzMsgServer"
	"./x/rewards/keeper/ FuzzMsgServer"
	"./prover/payments/ FuzzVerifyExit"
)

# Every Fuzz function under protocol/, x/ and prover/ must be in the list above.
listed=" ${TARGETS[*]} "
while IFS=: read -r file decl; do
	name=${decl#func }
	name=${name%%(*}
	pkg="./$(dirname "$file")/"
	if [[ "$listed" != *" $pkg $name "* ]]; then
		echo "fuzz.sh: $name in $file is not in TARGETS" >&2
		exit 1
	fi
done < <(grep -rHo --include='*_fuzz_test.go' '^func Fuzz[A-Za-z0-9_]*(' protocol/ x/ prover/)

ran=0
for entry in "${TARGETS[@]}"; do
	read -r pkg target <<<"$entry"
	if [[ -n "$filter" && "$target" != *"$filter"* && "$pkg" != *"$filter"* ]]; then
		continue
	fi
	echo "==> $pkg $target ($FUZZTIME)"
	"$GO" test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -parallel "$FUZZ_PARALLEL" "$pkg"
	ran=$((ran + 1))
done
if [[ $ran -eq 0 ]]; then
	echo "no fuzz target matches '$filter'" >&2
	exit 1
fi
echo "fuzzed $ran targets, $FUZZTIME each"
