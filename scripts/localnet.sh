#!/usr/bin/env bash
# localnet.sh: N nativechain validators as background processes on 127.0.0.1.
#
#   scripts/localnet.sh [start]   build, reset ./.localnet, start N nodes, wait past height 3
#   scripts/localnet.sh stop      stop them (SIGTERM, then SIGKILL after 20s)
#   scripts/localnet.sh status    pid and height of each node
#
# Genesis and validator keys come from `nativechaind testnet init-files`; this
# script then gives node I the ports BASE+10*I (P2P), +1 (RPC), +2 (gRPC) and
# +3 (REST), and peers every node with all the others.
#
# Environment knobs (defaults in brackets):
#   LOCALNET_N [4]  LOCALNET_DIR [<repo>/.localnet]  LOCALNET_CHAIN_ID [nativechain-localnet-1]
#   LOCALNET_BASE_PORT [26600]  LOCALNET_BLOCK_TIME [1s]  LOCALNET_WAIT_TIMEOUT seconds [180]
#   LOCALNET_MIN_GAS_PRICES [init-files default]  LOCALNET_SKIP_BUILD=1 use the existing binary   NATIVECHAIND_BIN [<repo>/build/nativechaind]
#   LOCALNET_GOMAXPROCS [unset: inherit] comma-separated, cycled over the nodes: "1,2" runs node0 with
#     GOMAXPROCS=1, node1 with 2, node2 with 1, ... (validators on different CPU counts must agree)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${NATIVECHAIND_BIN:-$ROOT/build/nativechaind}
OUT=$(realpath -m "${LOCALNET_DIR:-$ROOT/.localnet}")
N=${LOCALNET_N:-4}
CHAIN_ID=${LOCALNET_CHAIN_ID:-nativechain-localnet-1}
BASE_PORT=${LOCALNET_BASE_PORT:-26600}
BLOCK_TIME=${LOCALNET_BLOCK_TIME:-1s}
WAIT_TIMEOUT=${LOCALNET_WAIT_TIMEOUT:-180}
MIN_GAS_PRICES=${LOCALNET_MIN_GAS_PRICES:-} # empty: keep what init-files chose
TARGET_HEIGHT=4 # "past height 3"
MARKER=.nativechain-localnet
# `stop` and `status` use the layout the running localnet was started with.
if [[ ${1:-start} != start && -f $OUT/localnet.env ]]; then
  # shellcheck source=/dev/null
  source "$OUT/localnet.env"
fi

if [[ -t 2 ]]; then C_LOG=$'\033[1;34m' C_ERR=$'\033[1;31m' C_OFF=$'\033[0m'; else C_LOG="" C_ERR="" C_OFF=""; fi
log() { printf '%s==>%s %s\n' "$C_LOG" "$C_OFF" "$*" >&2; }
die() { printf '%serror:%s %s\n' "$C_ERR" "$C_OFF" "$*" >&2; exit 1; }

# set_toml FILE SECTION KEY VALUE: see scripts/devnet.sh.
set_toml() {
  local file=$1 section=$2 key=$3 value=$4
  awk -v section="$section" -v key="$key" -v value="$value" '
    BEGIN { cur = ""; done = 0 }
    /^[ \t]*\[[^]]*\][ \t]*$/ { s = $0; gsub(/^[ \t]*\[+|\]+[ \t]*$/, "", s); cur = s }
    !done && cur == section {
      line = $0; sub(/^[ \t]*/, "", line)
      if (index(line, key) == 1) {
        rest = substr(line, length(key) + 1)
        if (rest ~ /^[ \t]*=/) { print key " = " value; done = 1; next }
      }
    }
    { print }
    END { if (!done) exit 3 }
  ' "$file" >"$file.tmp" || { rm -f "$file.tmp"; die "could not set [$section] $key in $file"; }
  mv "$file.tmp" "$file"
}

alive() {
  local pid=$1 state
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [[ $state != Z ]]
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

p2p_port() { echo $((BASE_PORT + 10 * $1)); }
rpc_port() { echo $((BASE_PORT + 10 * $1 + 1)); }
grpc_port() { echo $((BASE_PORT + 10 * $1 + 2)); }
api_port() { echo $((BASE_PORT + 10 * $1 + 3)); }

# rpc_height PORT: latest block height from the CometBFT RPC on 127.0.0.1:PORT,
# or nothing. Plain HTTP over bash's /dev/tcp: no curl, no binary start-up.
rpc_height() {
  local resp
  resp=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3' _ "$1" 2>/dev/null) || true
  grep -o '"latest_block_height": *"[0-9]*"' <<<"$resp" | grep -o '[0-9][0-9]*' || true
}

height_of() { rpc_height "$(rpc_port "$1")"; }

# node_home I: the daemon home init-files made for node I.
node_home() {
  local cfg
  cfg=$(find "$OUT/node$1" -maxdepth 3 -path '*/config/config.toml' 2>/dev/null | head -n 1)
  [[ -n $cfg ]] || die "no config/config.toml under $OUT/node$1"
  dirname "$(dirname "$cfg")"
}

stop_all() {
  local f pid name stopped=0
  shopt -s nullglob
  for f in "$OUT"/node*.pid; do
    pid=$(cat "$f")
    name=$(basename "$f" .pid)
    if alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      stopped=$((stopped + 1))
      log "stopping $name (pid $pid)"
    fi
  done
  for f in "$OUT"/node*.pid; do
    pid=$(cat "$f")
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then
      log "$(basename "$f" .pid) ignored SIGTERM for 20s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  shopt -u nullglob
  ((stopped > 0)) && log "localnet stopped" || true
}

status() {
  local i pid
  printf '  %-6s %-8s %-7s %-24s %-24s %s\n' node pid height rpc rest log
  for ((i = 0; i < N; i++)); do
    pid=$(cat "$OUT/node$i.pid" 2>/dev/null || echo -)
    printf '  %-6s %-8s %-7s %-24s %-24s %s\n' "node$i" "$pid" "$(height_of "$i")" \
      "http://127.0.0.1:$(rpc_port "$i")" "http://127.0.0.1:$(api_port "$i")" "$OUT/node$i.log"
  done
}

case ${1:-start} in
stop)
  stop_all
  exit 0
  ;;
status)
  status
  exit 0
  ;;
start) ;;
*) die "usage: $0 [start|stop|status]" ;;
esac

[[ $N =~ ^[1-9][0-9]*$ ]] || die "LOCALNET_N must be a positive integer, got '$N'"

if [[ ${LOCALNET_SKIP_BUILD:-0} != 1 ]]; then
  log "building nativechaind"
  make -C "$ROOT" --no-print-directory build >&2
fi
[[ -x $BIN ]] || die "no nativechaind at $BIN: run 'make build' (or set NATIVECHAIND_BIN)"

# Reset, refusing to wipe a folder we did not create.
stop_all
if [[ -e $OUT ]]; then
  if [[ -n $(ls -A "$OUT") && ! -e $OUT/$MARKER ]]; then
    die "$OUT is not empty and was not made by localnet.sh: refusing to wipe it"
  fi
  rm -rf "$OUT"
fi

for ((i = 0; i < N; i++)); do
  for port in "$(p2p_port "$i")" "$(rpc_port "$i")" "$(grpc_port "$i")" "$(api_port "$i")"; do
    port_free "$port" || die "port $port on 127.0.0.1 is in use: stop what holds it or set LOCALNET_BASE_PORT"
  done
done

HELP=$("$BIN" testnet init-files --help 2>&1) || {
  printf '%s\n' "$HELP" >&2
  die "this nativechaind has no working 'testnet init-files' command"
}
INIT_ARGS=(--v "$N" --output-dir "$OUT" --chain-id "$CHAIN_ID" --keyring-backend test
  --starting-ip-address 127.0.0.1)
# Ask for our port layout where the binary supports it; it is rewritten below anyway.
[[ $HELP == *--single-host* ]] && INIT_ARGS+=(--single-host)
[[ $HELP == *--base-port* ]] && INIT_ARGS+=(--base-port "$BASE_PORT")
[[ $HELP == *--port-stride* ]] && INIT_ARGS+=(--port-stride 10)
log "initialising $N validators for $CHAIN_ID in $OUT"
mkdir -p "$OUT"
touch "$OUT/$MARKER"
printf 'N=%q\nBASE_PORT=%q\nCHAIN_ID=%q\n' "$N" "$BASE_PORT" "$CHAIN_ID" >"$OUT/localnet.env"
"$BIN" testnet init-files "${INIT_ARGS[@]}" </dev/null >"$OUT/init-files.log" 2>&1 || {
  cat "$OUT/init-files.log" >&2 || true
  die "nativechaind testnet init-files failed"
}

# Ports, peers and block time per node.
declare -a HOMES IDS
for ((i = 0; i < N; i++)); do
  HOMES[i]=$(node_home "$i")
  IDS[i]=$("$BIN" comet show-node-id --home "${HOMES[i]}" 2>/dev/null | tail -n 1)
  [[ ${IDS[i]} =~ ^[0-9a-f]{40}$ ]] || die "could not read the node id of node$i (got '${IDS[i]}')"
done
for ((i = 0; i < N; i++)); do
  peers=""
  for ((j = 0; j < N; j++)); do
    ((j == i)) && continue
    peers+="${peers:+,}${IDS[j]}@127.0.0.1:$(p2p_port "$j")"
  done
  cfg=${HOMES[i]}/config/config.toml
  app=${HOMES[i]}/config/app.toml
  set_toml "$cfg" "" moniker "\"node$i\""
  set_toml "$cfg" rpc laddr "\"tcp://127.0.0.1:$(rpc_port "$i")\""
  set_toml "$cfg" rpc pprof_laddr '""'
  set_toml "$cfg" p2p laddr "\"tcp://127.0.0.1:$(p2p_port "$i")\""
  set_toml "$cfg" p2p persistent_peers "\"$peers\""
  set_toml "$cfg" p2p addr_book_strict false
  set_toml "$cfg" p2p allow_duplicate_ip true
  set_toml "$cfg" consensus timeout_commit "\"$BLOCK_TIME\""
  [[ -z $MIN_GAS_PRICES ]] || set_toml "$app" "" minimum-gas-prices "\"$MIN_GAS_PRICES\""
  set_toml "$app" api enable true
  set_toml "$app" api address "\"tcp://127.0.0.1:$(api_port "$i")\""
  set_toml "$app" grpc enable true
  set_toml "$app" grpc address "\"127.0.0.1:$(grpc_port "$i")\""
done

IFS=, read -r -a PROCS <<<"${LOCALNET_GOMAXPROCS:-}"
for p in "${PROCS[@]}"; do
  [[ $p =~ ^[1-9][0-9]*$ ]] || die "LOCALNET_GOMAXPROCS must list positive integers, got '${LOCALNET_GOMAXPROCS}'"
done
for ((i = 0; i < N; i++)); do
  node_env=()
  ((${#PROCS[@]} == 0)) || node_env=("GOMAXPROCS=${PROCS[i % ${#PROCS[@]}]}")
  env "${node_env[@]}" nohup "$BIN" start --home "${HOMES[i]}" --log_no_color >"$OUT/node$i.log" 2>&1 </dev/null &
  echo $! >"$OUT/node$i.pid"
done
log "started $N nodes; waiting for all of them to pass height 3"

deadline=$((SECONDS + WAIT_TIMEOUT))
while :; do
  behind=0
  for ((i = 0; i < N; i++)); do
    if ! alive "$(cat "$OUT/node$i.pid")"; then
      tail -n 40 "$OUT/node$i.log" >&2 || true
      stop_all
      die "node$i exited during start-up (log: $OUT/node$i.log)"
    fi
    h=$(height_of "$i")
    [[ -n $h && $h -ge $TARGET_HEIGHT ]] || behind=$((behind + 1))
  done
  ((behind == 0)) && break
  if ((SECONDS >= deadline)); then
    status >&2
    die "$behind node(s) not past height 3 after ${WAIT_TIMEOUT}s (still running: '$0 stop' stops them)"
  fi
  sleep 0.5
done

cat <<EOF

  nativechain localnet: $N validators, chain id $CHAIN_ID, in $OUT
EOF
status
cat <<EOF

  keys (test keyring) live in each node's home, e.g.:
    $BIN keys list --keyring-backend test --home ${HOMES[0]}
    $BIN status --node tcp://127.0.0.1:$(rpc_port 0)
  stop with: make localnet-stop   (or $0 stop)

EOF
