#!/usr/bin/env bash
# protocgen.sh regenerates the Go code for proto/ fully offline:
#   1. builds the pinned proto plugins from tools/go.mod into build/tools,
#   2. stages third-party .proto files from the Go module cache into proto/.deps
#      (a second buf module; the Buf Schema Registry is not used),
#   3. runs buf generate for gogo (x/<mod>/types/*.pb.go, *.pb.gw.go) and
#      pulsar (api/**/*.pulsar.go, *_grpc.pb.go).
# Generated Go is committed; proto/.deps and build/ are not.
# Called by `make proto-gen`. Safe to re-run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_BIN="$ROOT/build/tools"
GEN_DIR="$ROOT/build/proto-gen"
DEPS_DIR="$ROOT/proto/.deps"
GO_MODULE="github.com/nativechain/nativechain"

export GOWORK=off
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

# version_in prints the version MOD is required at in GOMOD_FILE, or FALLBACK.
version_in() {
  local gomod_file="$1" mod="$2" fallback="$3" v
  v="$(awk -v m="$mod" '{ for (i = 1; i < NF; i++) if ($i == m) { print $(i + 1); exit } }' "$gomod_file")"
  echo "${v:-$fallback}"
}

# The SDK and gogoproto protos must match the runtime the chain compiles against
# (root go.mod); cosmos-proto and googleapis come with the pinned plugins (tools/go.mod).
COSMOS_SDK_VERSION="${COSMOS_SDK_VERSION:-$(version_in "$ROOT/go.mod" github.com/cosmos/cosmos-sdk v0.54.4)}"
GOGOPROTO_VERSION="${GOGOPROTO_VERSION:-$(version_in "$ROOT/go.mod" github.com/cosmos/gogoproto v1.7.2)}"
COSMOS_PROTO_VERSION="${COSMOS_PROTO_VERSION:-$(version_in "$ROOT/tools/go.mod" github.com/cosmos/cosmos-proto v1.0.0-beta.5)}"
GRPC_GATEWAY_VERSION="${GRPC_GATEWAY_VERSION:-$(version_in "$ROOT/tools/go.mod" github.com/grpc-ecosystem/grpc-gateway v1.16.0)}"

log() { echo "protocgen: $*" >&2; }

install_tools() {
  log "installing pinned proto tools into ${TOOLS_BIN#"$ROOT"/}"
  mkdir -p "$TOOLS_BIN"
  (cd "$ROOT/tools" && GOBIN="$TOOLS_BIN" go install tool)
  export PATH="$TOOLS_BIN:$PATH"
}

# module_dir downloads MOD@VERSION into the module cache if needed and prints its directory.
module_dir() {
  local scratch dir
  scratch="$(mktemp -d)"
  # Outside any module, so neither go.mod nor go.sum of ours is touched.
  dir="$(cd "$scratch" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  rmdir "$scratch"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    log "could not download $1"
    exit 1
  fi
  echo "$dir"
}

stage_deps() {
  log "staging third-party protos: cosmos-sdk $COSMOS_SDK_VERSION, gogoproto $GOGOPROTO_VERSION, cosmos-proto $COSMOS_PROTO_VERSION, googleapis from grpc-gateway $GRPC_GATEWAY_VERSION"
  local sdk gogo cproto gw
  sdk="$(module_dir "github.com/cosmos/cosmos-sdk@$COSMOS_SDK_VERSION")"
  gogo="$(module_dir "github.com/cosmos/gogoproto@$GOGOPROTO_VERSION")"
  cproto="$(module_dir "github.com/cosmos/cosmos-proto@$COSMOS_PROTO_VERSION")"
  gw="$(module_dir "github.com/grpc-ecosystem/grpc-gateway@$GRPC_GATEWAY_VERSION")"

  rm -rf "$DEPS_DIR"
  mkdir -p "$DEPS_DIR/gogoproto" "$DEPS_DIR/google/api"
  cp -R "$sdk/proto/cosmos" "$sdk/proto/amino" "$sdk/proto/tendermint" "$DEPS_DIR/"
  cp "$gogo/gogoproto/gogo.proto" "$DEPS_DIR/gogoproto/"
  cp -R "$cproto/proto/cosmos_proto" "$DEPS_DIR/"
  cp "$gw/third_party/googleapis/google/api/annotations.proto" \
     "$gw/third_party/googleapis/google/api/http.proto" "$DEPS_DIR/google/api/"
  # The module cache is read-only; make the copy removable on the next run.
  chmod -R u+w "$DEPS_DIR"
}

# remove_generated deletes files matching NAME_GLOB under DIR whose header says
# they are generated, so hand-written files next to them are never touched.
remove_generated() {
  local dir="$1" name_glob="$2" f
  [[ -d "$dir" ]] || return 0
  while IFS= read -r -d '' f; do
    if head -n 3 "$f" | grep -q '^// Code generated .* DO NOT EDIT\.$'; then
      rm -f "$f"
    fi
  done < <(find "$dir" -type f -name "$name_glob" -print0)
}

generate() {
  rm -rf "$GEN_DIR"
  mkdir -p "$GEN_DIR"
  cd "$ROOT/proto"

  log "buf generate (gogo)"
  buf generate --template buf.gen.gogo.yaml
  log "buf generate (pulsar)"
  buf generate --template buf.gen.pulsar.yaml

  local gogo_out="$GEN_DIR/gogo/$GO_MODULE"
  if [[ ! -d "$gogo_out/x" ]]; then
    log "gogo output missing at ${gogo_out#"$ROOT"/}/x"
    exit 1
  fi
  for d in "$ROOT"/x/*/types; do
    remove_generated "$d" '*.pb.go'
    remove_generated "$d" '*.pb.gw.go'
  done
  cp -R "$gogo_out/x/." "$ROOT/x/"

  remove_generated "$ROOT/api" '*.go'
  mkdir -p "$ROOT/api"
  cp -R "$GEN_DIR/pulsar/." "$ROOT/api/"
  find "$ROOT/api" -type d -empty -delete
}

install_tools
stage_deps
generate
log "done"
