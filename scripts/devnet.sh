#!/usr/bin/env bash
# devnet.sh: a fresh single-validator nativechain on 127.0.0.1, for trying
# things by hand. Every run wipes the devnet home and starts over.
#
#   scripts/devnet.sh          build, reset, start in the foreground (Ctrl-C stops)
#   scripts/devnet.sh stop     stop a devnet started with DEVNET_DETACH=1
#
# Environment knobs (defaults in brackets):
#   DEVNET_HOME        node home [<repo>/.devnet]
#   DEVNET_CHAIN_ID    chain id [nativechain-local-1]
#   DEVNET_DETACH=1    start in the background, wait for height 2, exit 0
#   DEVNET_SKIP_BUILD=1  use the existing binary instead of `make build`
#   NATIVECHAIND_BIN   binary [<repo>/build/nativechaind]
#   DEVNET_RPC_PORT [26657]  DEVNET_P2P_PORT [26656]
#   DEVNET_GRPC_PORT [9090]  DEVNET_API_PORT [1317]
#   DEVNET_SECOND_DENOM [uusdc]  a second bridge denom every dev account holds (empty: none)
#   DEVNET_MIN_GAS_PRICES [0.001unat]  DEVNET_BLOCK_TIME [1s]
#   DEVNET_DASHBOARD=0   do not start the web dashboard (nativechaind dashboard)
#   DEVNET_DASHBOARD_PORT [8090]  the dashboard's port on 127.0.0.1
#   DEVNET_WAIT_TIMEOUT seconds to wait for the first blocks when detached [120]
#
# Rollups (on by default through `make devnet`, off when the script runs alone):
#   DEVNET_ROLLUPS=1     also set up keys for a small payments circuit, register three
#                        demo rollups (payments-a run by carol and payments-b run by
#                        validator in unat, payments-usdc run by dave in the second
#                        denom) and the exchange rollup exchange (unat/uusdc, run by
#                        erin), start their operators and run the scripted demo
#                        (the rollup table: declare_rollups in scripts/devnet_rollups.sh)
#   DEVNET_DEMO=0        register and start the rollups, skip the scripted scenario
#   DEVNET_SECOND_DENOM_ROLLUP=0  no payments rollup in the second denom (payments-a and -b only)
#   DEVNET_EXCHANGE_ROLLUP=0  no exchange rollup (it needs the second denom too)
#   DEVNET_KEYS_DIR      proving-key cache [~/.nativechain/keys]; kept across runs
#   DEVNET_OPERATOR_A_PORT [8480]  DEVNET_OPERATOR_B_PORT [8481]  DEVNET_OPERATOR_C_PORT [8482]
#   DEVNET_OPERATOR_X_PORT [8483]  (the exchange rollup's operator)
#   DEVNET_ROLLUP_DEPTH [8]  DEVNET_ROLLUP_SLOTS [4]  DEVNET_BATCH_TIMEOUT [1s]
#   DEVNET_INBOX_DEADLINE_BLOCKS, DEVNET_VK_UPDATE_DELAY_BLOCKS  x/rollups genesis params
#                        [the chain's defaults, 600 and 1200]; the delay must be at least
#                        the deadline + 102 (genesis validation refuses less)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${NATIVECHAIND_BIN:-$ROOT/build/nativechaind}
HOME_DIR=$(realpath -m "${DEVNET_HOME:-$ROOT/.devnet}")
CHAIN_ID=${DEVNET_CHAIN_ID:-nativechain-local-1}
DENOM=unat
RPC_PORT=${DEVNET_RPC_PORT:-26657}
P2P_PORT=${DEVNET_P2P_PORT:-26656}
GRPC_PORT=${DEVNET_GRPC_PORT:-9090}
API_PORT=${DEVNET_API_PORT:-1317}
MIN_GAS_PRICES=${DEVNET_MIN_GAS_PRICES:-0.001$DENOM}
BLOCK_TIME=${DEVNET_BLOCK_TIME:-1s}
WAIT_TIMEOUT=${DEVNET_WAIT_TIMEOUT:-120}
ROLLUPS=${DEVNET_ROLLUPS:-0}
DEMO=${DEVNET_DEMO:-1}
KEYS_DIR=${DEVNET_KEYS_DIR:-${HOME:-/tmp}/.nativechain/keys}
OP_A_PORT=${DEVNET_OPERATOR_A_PORT:-8480}
OP_B_PORT=${DEVNET_OPERATOR_B_PORT:-8481}
OP_C_PORT=${DEVNET_OPERATOR_C_PORT:-8482}
OP_X_PORT=${DEVNET_OPERATOR_X_PORT:-8483}
DASHBOARD=${DEVNET_DASHBOARD:-1}
DASHBOARD_PORT=${DEVNET_DASHBOARD_PORT:-8090}
ROLLUP_DEPTH=${DEVNET_ROLLUP_DEPTH:-8}
ROLLUP_SLOTS=${DEVNET_ROLLUP_SLOTS:-4}
BATCH_TIMEOUT=${DEVNET_BATCH_TIMEOUT:-1s}
ROLLUP_A=payments-a
ROLLUP_B=payments-b

# A second bridge denom (issue 18): every dev account also holds 10^12 of
# it (1,000,000 USDC), with bank metadata (exponent 6). Empty: none.
SECOND_DENOM=${DEVNET_SECOND_DENOM-uusdc}
# The payments rollup in the second denom (uusdc: payments-usdc), unless
# there is none or DEVNET_SECOND_DENOM_ROLLUP=0.
ROLLUP_C=${SECOND_DENOM#u}
ROLLUP_C=payments-${ROLLUP_C//[^a-z0-9]/-}
SECOND_DENOM_ROLLUP=${DEVNET_SECOND_DENOM_ROLLUP:-1}
[[ -n $SECOND_DENOM ]] || SECOND_DENOM_ROLLUP=0
# The exchange rollup: one pool between DENOM and the second denom.
ROLLUP_X=exchange
EXCHANGE_ROLLUP=${DEVNET_EXCHANGE_ROLLUP:-1}
[[ -n $SECOND_DENOM ]] || EXCHANGE_ROLLUP=0
ACCOUNT_BALANCE=1000000000000$DENOM # 10^12 unat = 1,000,000 NAT each
if [[ -n $SECOND_DENOM ]]; then ACCOUNT_BALANCE+=,1000000000000$SECOND_DENOM; fi
SELF_DELEGATION=500000000000$DENOM  # half of the validator's balance

# Well-known development mnemonics (sha256 of "nativechain devnet NAME" as
# entropy), so addresses stay the same across resets. Never use them for value.
ACCOUNTS=(validator alice bob carol dave erin)
declare -A MNEMONICS=(
  [validator]="tuition sort oil mind brick detect melt legal voice drift artefact tilt confirm sauce ensure frame slow wife object chicken curve donor weird setup"
  [alice]="drill model neck doll auto cover wonder test evil hub fade olive prefer aerobic fruit mobile income satoshi dial clay fan trumpet noble hour"
  [bob]="rude pole flame vanish fat matrix forward attract lumber process near practice inch output column express female job predict very sight draw critic latin"
  [carol]="lake during use two grit phone document feed soft dignity advice angry snake plunge uniform scare section menu saddle welcome gospel famous warrior blanket"
  [dave]="garden calm surprise kingdom include area taxi cheese tiger minor business scrap speak invite bronze message trick second enough permit pave bargain rent north"
  [erin]="sweet verify round insect bounce payment view brass banana divorce narrow tongue because mask chunk season job chapter discover solar tail theme peanut muscle"
)

MARKER=.nativechain-devnet
PID_FILE=$HOME_DIR/nativechaind.pid
LOG_FILE=$HOME_DIR/node.log
DASHBOARD_PID_FILE=$HOME_DIR/dashboard.pid
DASHBOARD_LOG=$HOME_DIR/dashboard.log

if [[ -t 2 ]]; then C_LOG=$'\033[1;34m' C_ERR=$'\033[1;31m' C_OFF=$'\033[0m'; else C_LOG="" C_ERR="" C_OFF=""; fi
log() { printf '%s==>%s %s\n' "$C_LOG" "$C_OFF" "$*" >&2; }
die() { printf '%serror:%s %s\n' "$C_ERR" "$C_OFF" "$*" >&2; exit 1; }

# set_toml FILE SECTION KEY VALUE: set KEY in [SECTION] ("" = top level) to
# the TOML literal VALUE. Fails if the key is missing, so a renamed key in a
# new SDK/CometBFT version is caught here rather than silently ignored.
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

# rpc_height PORT: latest block height from the CometBFT RPC on 127.0.0.1:PORT,
# or nothing. Plain HTTP over bash's /dev/tcp: no curl, no binary start-up.
rpc_height() {
  local resp
  resp=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3' _ "$1" 2>/dev/null) || true
  grep -o '"latest_block_height": *"[0-9]*"' <<<"$resp" | grep -o '[0-9][0-9]*' || true
}

# alive PID: true while PID runs (a zombie counts as exited).
alive() {
  local pid=$1 state
  # The process may go between the test and the read: no state is gone too.
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -n $state && $state != Z ]]
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pid_file FILE NAME: TERM the process in FILE, KILL it after 20s.
stop_pid_file() {
  local file=$1 name=$2 pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if alive "$pid"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_operators() {
  local f
  for f in "$HOME_DIR"/operators/*/operator.pid; do
    [[ -e $f ]] || continue
    stop_pid_file "$f" "operator $(basename "$(dirname "$f")")"
  done
}

stop_devnet() {
  stop_pid_file "$DASHBOARD_PID_FILE" dashboard
  stop_operators
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(cat "$PID_FILE")
  if alive "$pid"; then
    log "stopping devnet node (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then
      log "node ignored SIGTERM for 20s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PID_FILE"
}

if [[ ${1:-} == stop ]]; then
  stop_devnet
  exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [stop]"

START_TIME=$(date +%s.%N)

# 1. Binary.
if [[ ${DEVNET_SKIP_BUILD:-0} != 1 ]]; then
  log "building nativechaind"
  make -C "$ROOT" --no-print-directory build >&2
fi
[[ -x $BIN ]] || die "no nativechaind at $BIN: run 'make build' (or set NATIVECHAIND_BIN)"

# 2. Reset. Refuse to wipe a folder we did not create.
stop_devnet
if [[ -e $HOME_DIR ]]; then
  [[ -d $HOME_DIR ]] || die "$HOME_DIR exists and is not a directory"
  if [[ -n $(ls -A "$HOME_DIR") && ! -e $HOME_DIR/$MARKER ]]; then
    die "$HOME_DIR is not empty and was not made by devnet.sh: refusing to wipe it"
  fi
  rm -rf "$HOME_DIR"
fi
mkdir -p "$HOME_DIR"
touch "$HOME_DIR/$MARKER"

PORTS=("$RPC_PORT" "$P2P_PORT" "$GRPC_PORT" "$API_PORT")
if [[ $ROLLUPS == 1 ]]; then
  # shellcheck source=scripts/devnet_rollups.sh
  source "$ROOT/scripts/devnet_rollups.sh"
  declare_rollups
  for id in "${ROLLUP_IDS[@]}"; do PORTS+=("${ROLLUP_PORT[$id]}"); done
fi
for port in "${PORTS[@]}"; do
  port_free "$port" || die "port $port on 127.0.0.1 is in use (another devnet? 'scripts/devnet.sh stop', or set DEVNET_*_PORT)"
done

# 3. Genesis: funded dev accounts, the validator self-delegates.
log "initialising $CHAIN_ID in $HOME_DIR"
"$BIN" init devnet-validator --chain-id "$CHAIN_ID" --default-denom "$DENOM" --home "$HOME_DIR" >/dev/null 2>&1 ||
  die "nativechaind init failed"
declare -A ADDRESSES
for name in "${ACCOUNTS[@]}"; do
  key_json=$(printf '%s\n' "${MNEMONICS[$name]}" |
    "$BIN" keys add "$name" --recover --keyring-backend test --home "$HOME_DIR" --output json 2>&1) ||
    die "could not import key $name: $key_json"
  ADDRESSES[$name]=$(grep -o '"address": *"native1[0-9a-z]*"' <<<"$key_json" | grep -o 'native1[0-9a-z]*' || true)
  [[ -n ${ADDRESSES[$name]} ]] ||
    ADDRESSES[$name]=$("$BIN" keys show "$name" -a --keyring-backend test --home "$HOME_DIR")
  "$BIN" genesis add-genesis-account "$name" "$ACCOUNT_BALANCE" --keyring-backend test --home "$HOME_DIR" >/dev/null
done
"$BIN" genesis gentx validator "$SELF_DELEGATION" --chain-id "$CHAIN_ID" --moniker devnet-validator \
  --keyring-backend test --home "$HOME_DIR" >/dev/null 2>&1 || die "gentx failed"
"$BIN" genesis collect-gentxs --home "$HOME_DIR" >/dev/null 2>&1 || die "collect-gentxs failed"

# Short governance periods so proposals can be tried by hand (best effort:
# skipped if the genesis has no such fields).
GENESIS=$HOME_DIR/config/genesis.json
sed -i -e 's/"voting_period": *"[0-9]*s"/"voting_period": "60s"/' \
  -e 's/"expedited_voting_period": *"[0-9]*s"/"expedited_voting_period": "30s"/' \
  -e 's/"max_deposit_period": *"[0-9]*s"/"max_deposit_period": "60s"/' "$GENESIS"
# Bank metadata of the second denom (base u<name>, display <name>, 10^6).
if [[ -n $SECOND_DENOM ]]; then
  display=${SECOND_DENOM#u}
  symbol=${display^^}
  metadata="{\"description\": \"$symbol (devnet)\", \"denom_units\": [{\"denom\": \"$SECOND_DENOM\", \"exponent\": 0, \"aliases\": []}, {\"denom\": \"$display\", \"exponent\": 6, \"aliases\": []}], \"base\": \"$SECOND_DENOM\", \"display\": \"$display\", \"name\": \"$symbol\", \"symbol\": \"$symbol\", \"uri\": \"\", \"uri_hash\": \"\"}"
  grep -q '"denom_metadata": *\[' "$GENESIS" || die "genesis has no bank denom_metadata"
  # first in the list, before the NAT entry the app's genesis carries
  sed -i -e "s/\"denom_metadata\": *\[\]/\"denom_metadata\": [$metadata]/" \
    -e "t" -e "s/\"denom_metadata\": *\[/\"denom_metadata\": [$metadata,/" "$GENESIS"
fi
# x/rollups delays, shorter for tests that change a rollup's operators or keys
# (such a change applies vk_update_delay_blocks later).
if [[ -n ${DEVNET_INBOX_DEADLINE_BLOCKS:-} ]]; then
  sed -i "s/\"inbox_deadline_blocks\": *\"[0-9]*\"/\"inbox_deadline_blocks\": \"$DEVNET_INBOX_DEADLINE_BLOCKS\"/" "$GENESIS"
fi
if [[ -n ${DEVNET_VK_UPDATE_DELAY_BLOCKS:-} ]]; then
  sed -i "s/\"vk_update_delay_blocks\": *\"[0-9]*\"/\"vk_update_delay_blocks\": \"$DEVNET_VK_UPDATE_DELAY_BLOCKS\"/" "$GENESIS"
fi
"$BIN" genesis validate --home "$HOME_DIR" >/dev/null 2>&1 ||
  "$BIN" genesis validate-genesis --home "$HOME_DIR" >/dev/null 2>&1 ||
  die "genesis does not validate: run '$BIN genesis validate --home $HOME_DIR'"

# 4. Node configuration: loopback only, fast blocks, REST and gRPC on.
CONFIG=$HOME_DIR/config/config.toml
APP=$HOME_DIR/config/app.toml
CLIENT=$HOME_DIR/config/client.toml
set_toml "$CONFIG" "" moniker '"devnet-validator"'
set_toml "$CONFIG" rpc laddr "\"tcp://127.0.0.1:$RPC_PORT\""
set_toml "$CONFIG" rpc pprof_laddr '""'
set_toml "$CONFIG" rpc cors_allowed_origins '["*"]'
set_toml "$CONFIG" p2p laddr "\"tcp://127.0.0.1:$P2P_PORT\""
set_toml "$CONFIG" consensus timeout_commit "\"$BLOCK_TIME\""
set_toml "$APP" "" minimum-gas-prices "\"$MIN_GAS_PRICES\""
set_toml "$APP" api enable true
set_toml "$APP" api address "\"tcp://127.0.0.1:$API_PORT\""
set_toml "$APP" api enabled-unsafe-cors true
set_toml "$APP" grpc enable true
set_toml "$APP" grpc address "\"127.0.0.1:$GRPC_PORT\""
# The CLI then needs only --home (or a copy of this client.toml).
set_toml "$CLIENT" "" chain-id "\"$CHAIN_ID\""
set_toml "$CLIENT" "" keyring-backend '"test"'
set_toml "$CLIENT" "" node "\"tcp://127.0.0.1:$RPC_PORT\""

summary() {
  local h=$HOME_DIR
  cat <<EOF

  nativechain devnet ($CHAIN_ID)
  home        $h
  RPC         http://127.0.0.1:$RPC_PORT
  REST API    http://127.0.0.1:$API_PORT
  gRPC        127.0.0.1:$GRPC_PORT
  P2P         tcp://127.0.0.1:$P2P_PORT
  gas price   $MIN_GAS_PRICES (default gas 200000: use --fees 500unat)

  funded accounts (test keyring, 1,000,000 NAT = 10^12 unat each${SECOND_DENOM:+, and 10^12 $SECOND_DENOM}):
EOF
  for name in "${ACCOUNTS[@]}"; do
    printf '    %-10s %s\n' "$name" "${ADDRESSES[$name]}"
  done
  cat <<EOF

  try:
    $BIN status --home $h
    $BIN q bank balances ${ADDRESSES[alice]} --home $h
    $BIN tx bank send alice ${ADDRESSES[bob]} 1000000unat --fees 500unat --yes --home $h
    $BIN q staking validators --home $h
    curl -s http://127.0.0.1:$API_PORT/cosmos/bank/v1beta1/balances/${ADDRESSES[bob]}

EOF
}

# 5. Start.
start_node_background() {
  nohup "$BIN" start --home "$HOME_DIR" --log_no_color >"$LOG_FILE" 2>&1 </dev/null &
  PID=$!
  echo "$PID" >"$PID_FILE"
  log "node started in the background (pid $PID, log $LOG_FILE); waiting for height 2"
  deadline=$((SECONDS + WAIT_TIMEOUT))
  first_block=""
  while :; do
    if ! alive "$PID"; then
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      die "node exited during start-up (log: $LOG_FILE)"
    fi
    h=$(rpc_height "$RPC_PORT")
    if [[ -z $first_block && -n $h && $h -ge 1 ]]; then
      first_block=$(awk -v a="$START_TIME" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    fi
    [[ -n $h && $h -ge 2 ]] && break
    if ((SECONDS >= deadline)); then
      tail -n 40 "$LOG_FILE" >&2 || true
      die "no height 2 within ${WAIT_TIMEOUT}s (node still running, pid $PID; stop it with '$0 stop')"
    fi
    sleep 0.2
  done
}

# start_dashboard: `nativechaind dashboard` in the background, reading this
# node and (with rollups) every operator. It is an extra: if it cannot start
# (its port is taken), the devnet goes on without it.
start_dashboard() {
  [[ $DASHBOARD == 1 ]] || return 0
  local ops=()
  [[ $ROLLUPS == 1 ]] && ops=(--operators "$(operator_urls)")
  nohup "$BIN" dashboard --node "tcp://127.0.0.1:$RPC_PORT" --api "http://127.0.0.1:$API_PORT" "${ops[@]}" \
    --listen "127.0.0.1:$DASHBOARD_PORT" >"$DASHBOARD_LOG" 2>&1 </dev/null &
  echo $! >"$DASHBOARD_PID_FILE"
  local deadline=$((SECONDS + 15))
  # Ready when /config.json names this node's API (not some other server
  # that holds the port).
  until timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET /config.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && cat <&3' _ "$DASHBOARD_PORT" 2>/dev/null |
    grep -q "\"api\":\"http://127.0.0.1:$API_PORT\""; do
    if ! alive "$(cat "$DASHBOARD_PID_FILE")" || ((SECONDS >= deadline)); then
      stop_pid_file "$DASHBOARD_PID_FILE" dashboard
      log "dashboard did not start (port $DASHBOARD_PORT taken? log: $DASHBOARD_LOG); going on without it"
      return 0
    fi
    sleep 0.2
  done
  log "dashboard on http://127.0.0.1:$DASHBOARD_PORT (pid $(cat "$DASHBOARD_PID_FILE"), log $DASHBOARD_LOG)"
}

dashboard_summary() {
  [[ -f $DASHBOARD_PID_FILE ]] || return 0
  printf '  dashboard   http://127.0.0.1:%s   (nativechaind dashboard, log %s)\n\n' "$DASHBOARD_PORT" "$DASHBOARD_LOG"
}

if [[ $ROLLUPS != 1 && ${DEVNET_DETACH:-0} != 1 ]]; then
  summary
  [[ $DASHBOARD == 1 ]] && log "dashboard: in another terminal, $BIN dashboard --node tcp://127.0.0.1:$RPC_PORT --api http://127.0.0.1:$API_PORT --listen 127.0.0.1:$DASHBOARD_PORT"
  log "starting the node in the foreground (Ctrl-C to stop)"
  exec "$BIN" start --home "$HOME_DIR"
fi

# Keys and operator configs need no chain: made while the node starts.
[[ $ROLLUPS == 1 ]] && start_prepare_rollups
start_node_background
start_dashboard
if [[ $ROLLUPS == 1 ]]; then
  setup_rollups
  [[ $DEMO == 1 ]] && run_demo
fi
summary
[[ $ROLLUPS == 1 ]] && rollup_summary
dashboard_summary
elapsed=$(awk -v a="$START_TIME" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "first block ${first_block}s after the script started; height $h when the chain was up; ready after ${elapsed}s"
if [[ ${DEVNET_DETACH:-0} == 1 ]]; then
  log "stop it with: DEVNET_HOME=$HOME_DIR $0 stop"
  exit 0
fi
trap 'stop_devnet; exit 0' INT TERM
log "running in the foreground: Ctrl-C stops the node and the operators (logs in $HOME_DIR)"
while alive "$PID"; do sleep 1; done
stop_devnet
die "the node exited (log: $LOG_FILE)"
