# devnet_rollups.sh: the demo rollups of the devnet and the scripted
# scenario. Sourced by devnet.sh (DEVNET_ROLLUPS=1) before the node starts
# (declare_rollups fills the rollup table: ports to check, operators for the
# dashboard); setup_rollups and run_demo run once the node is up. Uses
# devnet.sh's variables (BIN, HOME_DIR, KEYS_DIR, OP_*_PORT, ...) and helpers.
#
#   payments-a     unat   operator carol      API http://127.0.0.1:$OP_A_PORT
#   payments-b     unat   operator validator  API http://127.0.0.1:$OP_B_PORT
#   payments-usdc  uusdc  operator dave       API http://127.0.0.1:$OP_C_PORT
#                  (the second denom; none when DEVNET_SECOND_DENOM is empty
#                  or DEVNET_SECOND_DENOM_ROLLUP=0)
#   exchange       unat/uusdc  operator erin  API http://127.0.0.1:$OP_X_PORT
#                  (the exchange kind: one pool between the two denoms; none
#                  without the second denom or with DEVNET_EXCHANGE_ROLLUP=0)
#
# One more rollup is one add_rollup line in declare_rollups (its operator key
# must be one of devnet.sh's ACCOUNTS, its port free); a new KIND also needs
# a case in rollup_params (its circuit and parameters).
#
# run_demo checks every balance it prints and fails the script on a
# mismatch, so it doubles as an end-to-end test (tests/system/operator_test.go).

OPS_DIR=$HOME_DIR/operators
L1_FEES=2000$DENOM
L1_FEE=2000 # in $DENOM, what tx pays
DEMO_TIMEOUT=${DEVNET_DEMO_TIMEOUT:-180}
# A synchronous-call round's life in blocks (the exchange's operator leads):
# long enough for the exchange's and the destination's proofs at the
# devnet's block time (docs/spec/sync-calls.md, section 5).
SYNC_ROUND_BLOCKS=${DEVNET_SYNC_ROUND_BLOCKS:-40}

# The rollup table, in the order add_rollup was called.
ROLLUP_IDS=()
declare -A ROLLUP_KIND ROLLUP_DENOMS ROLLUP_KEY ROLLUP_PORT

# add_rollup ID KIND DENOMS KEY PORT: a demo rollup of circuit KIND holding
# DENOMS (comma separated; a payments rollup holds one), registered and run by
# the L1 key KEY, its operator's API on 127.0.0.1:PORT, its operator home in
# $OPS_DIR/ID. setup_rollups makes the keys, registers and starts them all.
add_rollup() {
  (($# == 5)) || die "add_rollup ID KIND DENOMS KEY PORT: got $*"
  local id=$1
  [[ -z ${ROLLUP_KIND[$id]:-} ]] || die "rollup $id declared twice"
  ROLLUP_IDS+=("$id")
  ROLLUP_KIND[$id]=$2 ROLLUP_DENOMS[$id]=$3 ROLLUP_KEY[$id]=$4 ROLLUP_PORT[$id]=$5
}

declare_rollups() {
  add_rollup "$ROLLUP_A" payments "$DENOM" carol "$OP_A_PORT"
  add_rollup "$ROLLUP_B" payments "$DENOM" validator "$OP_B_PORT"
  if [[ $SECOND_DENOM_ROLLUP == 1 ]]; then
    add_rollup "$ROLLUP_C" payments "$SECOND_DENOM" dave "$OP_C_PORT"
  fi
  if [[ $EXCHANGE_ROLLUP == 1 ]]; then
    add_rollup "$ROLLUP_X" exchange "$DENOM,$SECOND_DENOM" erin "$OP_X_PORT"
  fi
}

# rollup_params ID: the circuit parameters of ID's operator (operator init,
# operator setup), one argument a line.
rollup_params() {
  local id=$1
  case ${ROLLUP_KIND[$id]} in
    payments)
      [[ ${ROLLUP_DENOMS[$id]} != *,* ]] || die "rollup $id: a payments rollup holds one denom, not ${ROLLUP_DENOMS[$id]}"
      printf '%s\n' --param "depth=$ROLLUP_DEPTH" --param "slots=$ROLLUP_SLOTS" --param "denom=${ROLLUP_DENOMS[$id]}"
      ;;
    exchange)
      [[ ${ROLLUP_DENOMS[$id]} == *,* ]] || die "rollup $id: an exchange rollup holds two denoms (BASE,QUOTE), not ${ROLLUP_DENOMS[$id]}"
      printf '%s\n' --param "depth=$ROLLUP_DEPTH" --param "slots=$ROLLUP_SLOTS" \
        --param "base=${ROLLUP_DENOMS[$id]%%,*}" --param "quote=${ROLLUP_DENOMS[$id]#*,}"
      ;;
    *) die "rollup $id: unknown kind ${ROLLUP_KIND[$id]} (add it to rollup_params)" ;;
  esac
}

op_port() { [[ -n ${ROLLUP_PORT[$1]:-} ]] || die "no rollup $1"; echo "${ROLLUP_PORT[$1]}"; }
op_url() { echo "http://127.0.0.1:$(op_port "$1")"; }

# operator_urls: every operator API, comma separated (the dashboard's --operators).
operator_urls() {
  local id urls=()
  for id in "${ROLLUP_IDS[@]}"; do urls+=("$(op_url "$id")"); done
  (IFS=,; echo "${urls[*]}")
}

ncd() { "$BIN" "$@" --home "$HOME_DIR"; }

# http_get PORT PATH: the body of GET http://127.0.0.1:PORT/PATH when it
# answers 200; fails otherwise. Bash's /dev/tcp: no binary start-up (the
# demo reads balances often).
http_get() {
  local resp
  resp=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3 && cat <&3' _ "$1" "$2" 2>/dev/null) || return 1
  [[ $resp =~ ^HTTP/1\.[01]\ 200 ]] || return 1
  sed '1,/^\r\{0,1\}$/d' <<<"$resp"
}

# tx_send ARGS...: broadcast (checked by the node, not yet in a block); prints the hash.
tx_send() {
  local out hash code
  out=$(ncd tx "$@" --yes --fees "$L1_FEES" --gas 400000 -o json 2>&1) || die "tx $*: $out"
  hash=$(grep -o '"txhash":"[0-9A-F]*"' <<<"$out" | grep -o '[0-9A-F]\{64\}') || die "tx $*: no hash in $out"
  code=$(grep -o '"code":[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$')
  [[ $code == 0 ]] || die "tx $* refused: $out"
  echo "$hash"
}

# tx_result HASH: the CometBFT RPC's result of the tx once in a block (30s at most).
tx_result() {
  local out
  for _ in $(seq 1 60); do
    if out=$(http_get "$RPC_PORT" "/tx?hash=0x$1") && grep -q '"tx_result"' <<<"$out"; then
      tr -d '\n' <<<"$out"
      return 0
    fi
    sleep 0.5
  done
  die "tx $1 not included within 30s"
}

# tx_ok HASH WHAT: the tx succeeded in its block.
tx_ok() {
  local out code
  out=$(tx_result "$1")
  code=$(grep -o '"code": *[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$')
  [[ $code == 0 ]] || die "$2 failed in its block: $(tx_log "$out")"
}

# tx_log RESULT: the log of a tx result (the error of a failed tx).
tx_log() { grep -oE '"log": *"([^"\\]|\\.)*"' <<<"$1" | head -1 | sed -E 's/^"log": *"//; s/"$//; s/\\"/"/g'; }

# tx_refused HASH CODESPACE CODE WHAT: the tx failed in its block with that error.
tx_refused() {
  local out code space
  out=$(tx_result "$1")
  code=$(grep -o '"code": *[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$')
  space=$(grep -o '"codespace": *"[a-z]*"' <<<"$out" | head -1 | grep -o '"[a-z]*"$' | tr -d '"')
  [[ $space/$code == "$2/$3" ]] || die "$4: want error $2/$3, got ${space:-none}/$code: $(tx_log "$out")"
  printf '  refused (%s/%s): %s\n' "$space" "$code" "$(tx_log "$out")"
}

# tx ARGS...: broadcast, wait for the block, fail on a non-zero code.
tx() {
  local hash
  hash=$(tx_send "$@")
  tx_ok "$hash" "tx $*"
}

# l1_balance ADDRESS [DENOM]: the bank balance in DENOM (default $DENOM).
l1_balance() {
  local out
  out=$(http_get "$API_PORT" "/cosmos/bank/v1beta1/balances/$1/by_denom?denom=${2:-$DENOM}") || die "no balance of $1 from the REST API"
  tr -d ' \n' <<<"$out" | grep -o '"amount":"[0-9]*"' | grep -o '[0-9][0-9]*'
}

# escrow_amount ROLLUP DENOM: the bridge ledger of ROLLUP in DENOM (0: none).
escrow_amount() {
  local out amount
  out=$(http_get "$API_PORT" "/nativechain/crossrollup/v1/escrow/$1") || die "no escrow of $1 from the REST API"
  amount=$(tr -d ' \n' <<<"$out" | grep -o "\"denom\":\"$2\",\"amount\":\"[0-9]*\"" | grep -o '[0-9][0-9]*"$' | tr -d '"')
  echo "${amount:-0}"
}

declare -A L2_ADDRESSES
# l2_balance KEY ROLLUP: the balance verified on L1, or "none".
l2_balance() {
  local out
  if out=$(http_get "$(op_port "$2")" "/v1/accounts/${L2_ADDRESSES[$1]}"); then
    grep -o '"verified_balance": *"[0-9]*"' <<<"$out" | grep -o '[0-9][0-9]*' | tail -1
  else
    echo none
  fi
}

# ex_verified KEY [OBJECT]: KEY's account on the exchange rollup, "base quote
# shares" of OBJECT (verified: at the last batch verified on L1), or "none".
ex_verified() {
  local out obj
  if out=$(http_get "$(op_port "$ROLLUP_X")" "/v1/accounts/${L2_ADDRESSES[$1]}"); then
    obj=$(tr -d ' \n' <<<"$out" | grep -o "\"${2:-verified}\":{[^}]*}") || { echo none; return; }
    printf '%s %s %s\n' "$(json_num "$obj" base)" "$(json_num "$obj" quote)" "$(json_num "$obj" shares)"
  else
    echo none
  fi
}

# json_num JSON FIELD: the decimal string FIELD of a flat JSON object.
json_num() { grep -o "\"$2\":\"[0-9]*\"" <<<"$1" | head -1 | grep -o '[0-9][0-9]*'; }

# ex_pool: the exchange's pool at the operator's head, "reserve_base
# reserve_quote total_shares" (read with any account: alice's).
ex_pool() {
  local out obj
  out=$(http_get "$(op_port "$ROLLUP_X")" "/v1/accounts/${L2_ADDRESSES[alice]}") || die "no account of alice on $ROLLUP_X"
  obj=$(tr -d ' \n' <<<"$out" | grep -o '"pool":{[^}]*}') || die "the $ROLLUP_X operator does not report the pool: $out"
  printf '%s %s %s\n' "$(json_num "$obj" reserve_base)" "$(json_num "$obj" reserve_quote)" "$(json_num "$obj" total_shares)"
}

# wait_ex KEY WANT: until KEY's verified "base quote shares" on the exchange is WANT.
wait_ex() {
  local got deadline=$((SECONDS + DEMO_TIMEOUT))
  while :; do
    got=$(ex_verified "$1")
    [[ $got == "$2" ]] && return 0
    ((SECONDS < deadline)) || die "$1 on $ROLLUP_X: base quote shares $got, want $2 (operator log: $OPS_DIR/$ROLLUP_X/operator.log)"
    sleep 0.3
  done
}

# wait_l2 KEY ROLLUP WANT: until KEY's verified balance on ROLLUP is WANT.
wait_l2() {
  local got deadline=$((SECONDS + DEMO_TIMEOUT))
  while :; do
    got=$(l2_balance "$1" "$2")
    [[ $got == "$3" ]] && return 0
    ((SECONDS < deadline)) || die "$1 on $2: balance $got, want $3 (operator log: $OPS_DIR/$2/operator.log)"
    sleep 0.3
  done
}

expect() { [[ $1 == "$2" ]] || die "$3: got $1, want $2"; }

# step TITLE: a demo step's header, with the seconds since devnet.sh started.
step() {
  printf '\n%s== %s ==%s  [%ss]\n' "$C_LOG" "$*" "$C_OFF" "$(awk -v a="$START_TIME" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')"
}

show() {
  local name id l1
  for name in alice bob; do
    l1="$(l1_balance "${ADDRESSES[$name]}") $DENOM"
    [[ -z $SECOND_DENOM ]] || l1+=", $(l1_balance "${ADDRESSES[$name]}" "$SECOND_DENOM") $SECOND_DENOM"
    printf '  %-28s %s\n' "L1 $name" "$l1"
  done
  for id in "${ROLLUP_IDS[@]}"; do
    [[ ${ROLLUP_KIND[$id]} == exchange ]] && continue
    for name in alice bob; do
      printf '  %-28s %s\n' "L2 $name on $id" "$(l2_balance "$name" "$id") ${ROLLUP_DENOMS[$id]}"
    done
  done
}

# show_exchange: the exchange accounts of alice and bob and the pool.
show_exchange() {
  local name v
  for name in alice bob; do
    read -r -a v <<<"$(ex_verified "$name") _ _"
    if [[ ${v[0]} == none ]]; then
      printf '  %-28s none\n' "L2 $name on $ROLLUP_X"
    else
      printf '  %-28s %s %s, %s %s, %s shares\n' "L2 $name on $ROLLUP_X" "${v[0]}" "$DENOM" "${v[1]}" "$SECOND_DENOM" "${v[2]}"
    fi
  done
  read -r -a v <<<"$(ex_pool)"
  printf '  %-28s %s %s, %s %s, %s shares\n' "pool of $ROLLUP_X" "${v[0]}" "$DENOM" "${v[1]}" "$SECOND_DENOM" "${v[2]}"
}

# start_operator ID: `operator start` in the background (pid in its home).
start_operator() {
  local id=$1 dir=$OPS_DIR/$1
  nohup "$BIN" operator start --operator-home "$dir" --home "$HOME_DIR" >"$dir/operator.log" 2>&1 </dev/null &
  echo $! >"$dir/operator.pid"
}

# wait_operator ID: until ID's API answers GET /v1/status.
wait_operator() {
  local id=$1 dir=$OPS_DIR/$1
  local deadline=$((SECONDS + 90))
  until http_get "$(op_port "$id")" /v1/status >/dev/null; do
    alive "$(cat "$dir/operator.pid")" || { tail -n 20 "$dir/operator.log" >&2; die "operator $id exited"; }
    ((SECONDS < deadline)) || die "operator $id did not answer within 90s (log: $dir/operator.log)"
    sleep 0.3
  done
  log "operator $id running (pid $(cat "$dir/operator.pid"), API $(op_url "$id"), log $dir/operator.log)"
}

# rollup_sync_flags ID: operator init's synchronous-call flags for ID, one
# argument a line (docs/spec/sync-calls.md): the exchange's operator leads
# rounds; payments-a (unat) and payments-usdc call it and receive its
# outputs. None without the exchange and the second-denom rollup.
rollup_sync_flags() {
  local id=$1
  [[ -n ${ROLLUP_KIND[$ROLLUP_X]:-} && -n ${ROLLUP_KIND[$ROLLUP_C]:-} ]] || return 0
  case $id in
    "$ROLLUP_X") printf '%s\n' --sync-lead --sync-round-blocks "$SYNC_ROUND_BLOCKS" --sync-peer "$ROLLUP_A=$(op_url "$ROLLUP_A")" --sync-peer "$ROLLUP_C=$(op_url "$ROLLUP_C")" ;;
    # The members too: a caller waits for a busy leader round_blocks
    # seconds plus the offer window (sync_member.go offerWait), from its own
    # config; left at the default 10 it gives up after 13 s, less than a
    # round lasts here under load.
    "$ROLLUP_A" | "$ROLLUP_C") printf '%s\n' --sync-round-blocks "$SYNC_ROUND_BLOCKS" --sync-peer "$ROLLUP_X=$(op_url "$ROLLUP_X"),leads" ;;
  esac
}

# prepare_rollups: what needs no chain, run while the node starts: the
# proving keys (one setup per circuit and parameters: rollups that share them
# share the key set, cached in KEYS_DIR across runs) and each operator's
# operator.json. Its output goes to $HOME_DIR/prepare.log.
prepare_rollups() {
  local id params setup_done=() seen queue syncf
  mkdir -p "$OPS_DIR"
  for id in "${ROLLUP_IDS[@]}"; do
    mapfile -t params < <(rollup_params "$id")
    seen="${ROLLUP_KIND[$id]} ${params[*]}"
    [[ " ${setup_done[*]} " == *" [$seen] "* ]] && continue
    setup_done+=("[$seen]")
    log "proving keys for ${ROLLUP_KIND[$id]}(${params[*]//--param /}) in $KEYS_DIR (cached after the first run)"
    "$BIN" operator setup --circuit "${ROLLUP_KIND[$id]}" "${params[@]}" --keys-dir "$KEYS_DIR" >"$HOME_DIR/setup.log" 2>&1 ||
      { cat "$HOME_DIR/setup.log" >&2; die "operator setup failed"; }
    grep -E 'reusing|setup time|constraints' "$HOME_DIR/setup.log" | sed 's/^/    /' >&2 || true
  done
  for id in "${ROLLUP_IDS[@]}"; do
    mapfile -t params < <(rollup_params "$id")
    # The first operator's embedded queue listens on the default port (the
    # README's prover-fleet example); the others on a free port each.
    queue=()
    [[ $id == "${ROLLUP_IDS[0]}" ]] || queue=(--queue-listen 127.0.0.1:0)
    mapfile -t syncf < <(rollup_sync_flags "$id")
    ncd operator init "$id" --kind "${ROLLUP_KIND[$id]}" --key "${ROLLUP_KEY[$id]}" "${params[@]}" --keys-dir "$KEYS_DIR" --operator-home "$OPS_DIR/$id" \
      --api-listen "127.0.0.1:${ROLLUP_PORT[$id]}" --batch-timeout "$BATCH_TIMEOUT" "${queue[@]}" "${syncf[@]}" >/dev/null
  done
}

# start_prepare_rollups: prepare_rollups in the background (setup_rollups waits for it).
PREPARE_PID=""
start_prepare_rollups() {
  prepare_rollups >"$HOME_DIR/prepare.log" 2>&1 </dev/null &
  PREPARE_PID=$!
}

setup_rollups() {
  local id
  if [[ -z $PREPARE_PID ]]; then
    prepare_rollups
  else
    wait "$PREPARE_PID" || { cat "$HOME_DIR/prepare.log" >&2; die "preparing the rollups failed (log: $HOME_DIR/prepare.log)"; }
    cat "$HOME_DIR/prepare.log" >&2
  fi
  # Registration: each rollup by its own key, side by side (one key must not
  # register two rollups here: their txs would share a sequence number).
  local pids=()
  for id in "${ROLLUP_IDS[@]}"; do
    log "registering rollup $id (${ROLLUP_KIND[$id]}, ${ROLLUP_DENOMS[$id]}, operator ${ROLLUP_KEY[$id]})"
    (
      out=$(ncd operator register --operator-home "$OPS_DIR/$id" --bond 10000000$DENOM --yes --fees 20000$DENOM --gas 600000 -o json 2>&1) ||
        die "register $id: $out"
    ) &
    pids+=($!)
  done
  local pid
  for pid in "${pids[@]}"; do wait "$pid" || die "a registration failed"; done
  local deadline=$((SECONDS + 30))
  for id in "${ROLLUP_IDS[@]}"; do
    until http_get "$API_PORT" "/nativechain/rollups/v1/rollups/$id" >/dev/null; do
      ((SECONDS < deadline)) || die "rollup $id not registered within 30s"
      sleep 0.3
    done
  done
  # Operators: started together, each compiles its circuit and loads its keys.
  for id in "${ROLLUP_IDS[@]}"; do start_operator "$id"; done
  for name in alice bob; do
    [[ -f $HOME_DIR/l2keys/$name.json ]] || ncd l2 keys add "$name" --from-l1 "$name" >/dev/null
    L2_ADDRESSES[$name]=$(ncd l2 keys show "$name" -a)
  done
  for id in "${ROLLUP_IDS[@]}"; do wait_operator "$id"; done
}

run_demo() {
  local A B a1 b1
  A=$(op_url "$ROLLUP_A")
  B=$(op_url "$ROLLUP_B")

  step "0. before: L2 keys derived from the L1 keys (nativechaind l2 keys add NAME --from-l1 NAME)"
  printf '  alice L2 address %s...\n  bob   L2 address %s...\n' "${L2_ADDRESSES[alice]:0:24}" "${L2_ADDRESSES[bob]:0:24}"
  show
  a1=$(l1_balance "${ADDRESSES[alice]}")
  b1=$(l1_balance "${ADDRESSES[bob]}")

  step "1. deposits into $ROLLUP_A: alice 1000000, bob 10000 (tx crossrollup deposit)"
  local h1 h2
  h1=$(tx_send crossrollup deposit "$ROLLUP_A" "${L2_ADDRESSES[alice]}" 1000000$DENOM --from alice)
  h2=$(tx_send crossrollup deposit "$ROLLUP_A" "${L2_ADDRESSES[bob]}" 10000$DENOM --from bob)
  tx_ok "$h1" "alice's deposit"
  tx_ok "$h2" "bob's deposit"
  wait_l2 alice "$ROLLUP_A" 1000000
  wait_l2 bob "$ROLLUP_A" 10000
  expect "$(l1_balance "${ADDRESSES[alice]}")" $((a1 - 1000000 - L1_FEE)) "L1 alice after her deposit"
  show

  step "2. L2 transfer on $ROLLUP_A: alice -> bob 250000, fee 10 (l2 transfer alice bob 250000 --fee 10 --wait)"
  ncd l2 transfer alice bob 250000 --fee 10 --wait --rollup-id "$ROLLUP_A" --operator "$A" | sed 's/^/  /'
  wait_l2 alice "$ROLLUP_A" 749990
  wait_l2 bob "$ROLLUP_A" 260000
  show

  step "3. cross-rollup send: alice on $ROLLUP_A -> bob on $ROLLUP_B 100000, fee 10 (l2 send alice $ROLLUP_B bob 100000)"
  ncd l2 send alice "$ROLLUP_B" bob 100000 --fee 10 --wait --rollup-id "$ROLLUP_A" --operator "$A" | sed 's/^/  /'
  wait_l2 alice "$ROLLUP_A" 649980
  wait_l2 bob "$ROLLUP_B" 100000
  show

  step "4. withdrawal: bob on $ROLLUP_B -> bob on L1 40000, fee 1 (l2 withdraw bob <bob's L1 address> 40000 --fee 1)"
  ncd l2 withdraw bob "${ADDRESSES[bob]}" 40000 --fee 1 --wait --rollup-id "$ROLLUP_B" --operator "$B" | sed 's/^/  /'
  wait_l2 bob "$ROLLUP_B" 59999
  expect "$(l1_balance "${ADDRESSES[bob]}")" $((b1 - 10000 - L1_FEE + 40000)) "L1 bob after the withdrawal"
  show

  [[ -n ${ROLLUP_KIND[$ROLLUP_C]:-} ]] && demo_second_denom
  [[ -n ${ROLLUP_KIND[$ROLLUP_X]:-} ]] && demo_exchange
  [[ -n ${ROLLUP_KIND[$ROLLUP_X]:-} && -n ${ROLLUP_KIND[$ROLLUP_C]:-} ]] && demo_sync

  step "bridge: escrow equals the rollups' ledgers (q crossrollup invariant)"
  ncd q crossrollup invariant -o json | tr -d ' \n' | grep -q '"holds":true' || die "bridge invariant broken: $(ncd q crossrollup invariant)"
  local id
  for id in "${ROLLUP_IDS[@]}"; do
    printf '  %-16s %s\n' "$id" "$(http_get "$API_PORT" "/nativechain/crossrollup/v1/escrow/$id" | tr -d ' \n')"
  done
  printf '\n%sdemo complete: every balance above was checked%s\n' "$C_LOG" "$C_OFF"
}

# demo_second_denom: the payments rollup in the second denom (ROLLUP_C):
# a deposit, an L2 transfer and a withdrawal in SECOND_DENOM, and a deposit
# in DENOM that the chain refuses (the rollup does not hold it).
demo_second_denom() {
  local C D=$SECOND_DENOM au an bu bn h1 h2
  C=$(op_url "$ROLLUP_C")
  au=$(l1_balance "${ADDRESSES[alice]}" "$D")
  an=$(l1_balance "${ADDRESSES[alice]}")
  bu=$(l1_balance "${ADDRESSES[bob]}" "$D")
  bn=$(l1_balance "${ADDRESSES[bob]}")

  step "5. second denom: deposits into $ROLLUP_C: alice 500000$D, bob 10000$D; bob's 1000$DENOM deposit there is refused ($ROLLUP_C holds only $D: rollups/ErrDenomNotHeld)"
  h1=$(tx_send crossrollup deposit "$ROLLUP_C" "${L2_ADDRESSES[alice]}" 500000"$D" --from alice)
  h2=$(tx_send crossrollup deposit "$ROLLUP_C" "${L2_ADDRESSES[bob]}" 10000"$D" --from bob)
  tx_ok "$h1" "alice's $D deposit"
  tx_ok "$h2" "bob's $D deposit"
  h2=$(tx_send crossrollup deposit "$ROLLUP_C" "${L2_ADDRESSES[bob]}" 1000$DENOM --from bob)
  tx_refused "$h2" rollups 34 "bob's $DENOM deposit into $ROLLUP_C"
  # Nothing lost: bob paid the L1 fee of each tx and his $D deposit, nothing
  # else; no $DENOM escrow, no inbox entry (the two $D deposits only).
  expect "$(l1_balance "${ADDRESSES[bob]}")" $((bn - 2 * L1_FEE)) "L1 bob ($DENOM) after the refused deposit"
  expect "$(l1_balance "${ADDRESSES[bob]}" "$D")" $((bu - 10000)) "L1 bob ($D) after his deposits"
  expect "$(escrow_amount "$ROLLUP_C" "$DENOM")" 0 "$ROLLUP_C's $DENOM escrow after the refused deposit"
  expect "$(http_get "$API_PORT" "/nativechain/rollups/v1/rollups/$ROLLUP_C" | tr -d ' \n' | grep -o '"inbox_size":"[0-9]*"')" '"inbox_size":"2"' \
    "$ROLLUP_C's inbox after the refused deposit"
  wait_l2 alice "$ROLLUP_C" 500000
  wait_l2 bob "$ROLLUP_C" 10000
  expect "$(l1_balance "${ADDRESSES[alice]}" "$D")" $((au - 500000)) "L1 alice ($D) after her deposit"
  expect "$(l1_balance "${ADDRESSES[alice]}")" $((an - L1_FEE)) "L1 alice ($DENOM) after her deposit"
  show

  step "6. L2 transfer on $ROLLUP_C: alice -> bob 200000$D, fee 10 (l2 transfer alice bob 200000 --rollup-id $ROLLUP_C)"
  ncd l2 transfer alice bob 200000 --fee 10 --wait --rollup-id "$ROLLUP_C" --operator "$C" | sed 's/^/  /'
  wait_l2 alice "$ROLLUP_C" 299990
  wait_l2 bob "$ROLLUP_C" 210000
  show

  step "7. withdrawal in $D: bob on $ROLLUP_C -> bob on L1 50000, fee 1"
  ncd l2 withdraw bob "${ADDRESSES[bob]}" 50000 --fee 1 --wait --rollup-id "$ROLLUP_C" --operator "$C" | sed 's/^/  /'
  wait_l2 bob "$ROLLUP_C" 159999
  expect "$(l1_balance "${ADDRESSES[bob]}" "$D")" $((bu - 10000 + 50000)) "L1 bob ($D) after the withdrawal"
  # The ledger: 510000 in, 50000 out, 11 of fees to the operator.
  expect "$(escrow_amount "$ROLLUP_C" "$D")" $((510000 - 50000 - 11)) "$ROLLUP_C's $D escrow"
  expect "$(escrow_amount "$ROLLUP_C" "$DENOM")" 0 "$ROLLUP_C's $DENOM escrow"
  show
}

# demo_exchange: the exchange rollup (ROLLUP_X): alice deposits both denoms
# and adds them as liquidity; bob deposits DENOM, swaps it for the second
# denom (the output checked against the pool rule on the reserves read
# before the swap) and withdraws the output to L1.
demo_exchange() {
  local X D=$SECOND_DENOM h1 h2 h3 rb rq ts in=10000 out fee_bps=30 bu bn
  X=$(op_url "$ROLLUP_X")
  bu=$(l1_balance "${ADDRESSES[bob]}" "$D")
  bn=$(l1_balance "${ADDRESSES[bob]}")

  step "8. exchange: deposits into $ROLLUP_X: alice 1000000$DENOM and 2000000$D, bob ${in}$DENOM (tx crossrollup deposit, either denom)"
  h1=$(tx_send crossrollup deposit "$ROLLUP_X" "${L2_ADDRESSES[alice]}" 1000000$DENOM --from alice)
  tx_ok "$h1" "alice's $DENOM deposit into $ROLLUP_X"
  h2=$(tx_send crossrollup deposit "$ROLLUP_X" "${L2_ADDRESSES[alice]}" 2000000"$D" --from alice)
  h3=$(tx_send crossrollup deposit "$ROLLUP_X" "${L2_ADDRESSES[bob]}" ${in}$DENOM --from bob)
  tx_ok "$h2" "alice's $D deposit into $ROLLUP_X"
  tx_ok "$h3" "bob's $DENOM deposit into $ROLLUP_X"
  wait_ex alice "1000000 2000000 0"
  wait_ex bob "$in 0 0"
  expect "$(l1_balance "${ADDRESSES[bob]}")" $((bn - in - L1_FEE)) "L1 bob ($DENOM) after his deposit into $ROLLUP_X"

  step "9. exchange: alice adds liquidity 1000000$DENOM + 2000000$D (l2 exchange add-liquidity alice 1000000 2000000 --wait)"
  ncd l2 exchange add-liquidity alice 1000000 2000000 --min-shares 1000000 --wait -y --rollup-id "$ROLLUP_X" --operator "$X" | sed 's/^/  /'
  wait_ex alice "0 0 1000000"
  read -r rb rq ts <<<"$(ex_pool)"
  expect "$rb $rq $ts" "1000000 2000000 1000000" "the pool after alice's add"
  show_exchange

  # The pool rule (spec section 3): out = floor(in·(10000−f)·rOut / (rIn·10000 + in·(10000−f))).
  out=$(((in * (10000 - fee_bps) * rq) / (rb * 10000 + in * (10000 - fee_bps))))
  step "10. exchange: bob swaps ${in}$DENOM for $D; the pool rule on reserves $rb/$rq gives $out$D (l2 exchange swap bob ${in}$DENOM --min-out $out --wait)"
  ncd l2 exchange swap bob ${in}$DENOM --min-out "$out" --wait -y --rollup-id "$ROLLUP_X" --operator "$X" | sed 's/^/  /'
  wait_ex bob "0 $out 0"
  read -r rb rq ts <<<"$(ex_pool)"
  expect "$rb $rq $ts" "$((1000000 + in)) $((2000000 - out)) 1000000" "the pool after bob's swap"
  show_exchange

  step "11. exchange: bob withdraws his ${out}$D to L1 (l2 exchange withdraw bob <bob's L1 address> ${out}$D --wait)"
  ncd l2 exchange withdraw bob "${ADDRESSES[bob]}" "$out$D" --wait -y --rollup-id "$ROLLUP_X" --operator "$X" | sed 's/^/  /'
  wait_ex bob "0 0 0"
  expect "$(l1_balance "${ADDRESSES[bob]}" "$D")" $((bu + out)) "L1 bob ($D) after the exchange withdrawal"
  # The ledger: what came in, less what left.
  expect "$(escrow_amount "$ROLLUP_X" "$DENOM")" $((1000000 + in)) "$ROLLUP_X's $DENOM escrow"
  expect "$(escrow_amount "$ROLLUP_X" "$D")" $((2000000 - out)) "$ROLLUP_X's $D escrow"
  show_exchange
}

# demo_sync: one synchronous cross-rollup swap (docs/spec/sync-calls.md):
# alice signs one send of DENOM on ROLLUP_A to the exchange, with a swap
# call whose output goes to her on ROLLUP_C. The three operators compose
# one bundle: her debit, the swap and the credit land at one height. The
# output is checked against the pool rule on the reserves read before.
demo_sync() {
  local A X D=$SECOND_DENOM in=1000 fee=1 fee_bps=30 out rb rq ts rb0 rq0 a0 c0 json outcome hd hs hc
  A=$(op_url "$ROLLUP_A")
  X=$(op_url "$ROLLUP_X")
  a0=$(l2_balance alice "$ROLLUP_A")
  c0=$(l2_balance alice "$ROLLUP_C")
  read -r rb0 rq0 ts <<<"$(ex_pool)"
  out=$(((in * (10000 - fee_bps) * rq0) / (rb0 * 10000 + in * (10000 - fee_bps))))
  step "12. synchronous swap: alice sends ${in}$DENOM on $ROLLUP_A through $ROLLUP_X onto $ROLLUP_C; the pool rule gives $out$D (l2 swap alice ${in}$DENOM --via $ROLLUP_X --to $ROLLUP_C:alice --min-out $out$D --wait)"
  json=$(ncd l2 swap alice ${in}$DENOM --via "$ROLLUP_X" --to "$ROLLUP_C:alice" --min-out "$out$D" --fee $fee --wait --timeout 3m -y \
    --rollup-id "$ROLLUP_A" --operator "$A" --exchange-operator "$X" --output json) || die "l2 swap failed: $json"
  json=$(tr -d ' \n' <<<"$json")
  outcome=$(grep -o '"outcome":"[a-z_]*"' <<<"$json" | head -1 | cut -d'"' -f4)
  hd=$(grep -o '"debit_height":[0-9]*' <<<"$json" | grep -o '[0-9]*$')
  hs=$(grep -o '"swap_height":[0-9]*' <<<"$json" | grep -o '[0-9]*$')
  hc=$(grep -o '"credit_height":[0-9]*' <<<"$json" | grep -o '[0-9]*$')
  printf '  outcome %s: debit at height %s, swap at %s, credit at %s\n' "$outcome" "$hd" "$hs" "$hc"
  expect "$outcome" sync "the swap's outcome (operator logs: $OPS_DIR/*/operator.log)"
  expect "$hs $hc" "$hd $hd" "the heights of the swap and the credit (the debit's is $hd)"
  wait_l2 alice "$ROLLUP_A" $((a0 - in - fee))
  wait_l2 alice "$ROLLUP_C" $((c0 + out))
  read -r rb rq ts <<<"$(ex_pool)"
  expect "$rb $rq" "$((rb0 + in)) $((rq0 - out))" "the pool after the synchronous swap"
  show
}

rollup_summary() {
  local id
  echo "  rollups (depth $ROLLUP_DEPTH, $ROLLUP_SLOTS slots, UNSAFE dev keys in $KEYS_DIR):"
  for id in "${ROLLUP_IDS[@]}"; do
    printf '    %-14s %-9s %-10s operator %-10s API %s   log %s\n' "$id" "${ROLLUP_KIND[$id]}" "${ROLLUP_DENOMS[$id]}" \
      "${ROLLUP_KEY[$id]}" "$(op_url "$id")" "$OPS_DIR/$id/operator.log"
  done
  cat <<EOF

  try (L2 keys alice and bob are in $HOME_DIR/l2keys):
    $BIN operator status --operator-home $OPS_DIR/$ROLLUP_A
    $BIN l2 balance alice --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 transfer alice bob 1000 --fee 1 --wait --rollup-id $ROLLUP_A --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 send alice $ROLLUP_B bob 500 --fee 1 --wait --rollup-id $ROLLUP_A --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 withdraw bob ${ADDRESSES[bob]} 100 --fee 1 --wait --rollup-id $ROLLUP_B --operator $(op_url "$ROLLUP_B") --home $HOME_DIR
    $BIN tx crossrollup deposit $ROLLUP_A \$($BIN l2 keys show alice -a --home $HOME_DIR) 5000unat --from alice --fees 2000unat --gas 400000 --yes --home $HOME_DIR
    curl -s $(op_url "$ROLLUP_A")/metrics | grep ^operator_
EOF
  if [[ -n ${ROLLUP_KIND[$ROLLUP_C]:-} ]]; then
    cat <<EOF
    $BIN l2 balance alice --operator $(op_url "$ROLLUP_C") --home $HOME_DIR    # in $SECOND_DENOM
    $BIN tx crossrollup deposit $ROLLUP_C \$($BIN l2 keys show alice -a --home $HOME_DIR) 5000$SECOND_DENOM --from alice --fees 2000unat --gas 400000 --yes --home $HOME_DIR
EOF
  fi
  if [[ -n ${ROLLUP_KIND[$ROLLUP_X]:-} ]]; then
    cat <<EOF
    $BIN l2 exchange account alice --operator $(op_url "$ROLLUP_X") --home $HOME_DIR
    $BIN l2 exchange pool alice --operator $(op_url "$ROLLUP_X") --home $HOME_DIR
    $BIN l2 exchange swap alice 1000$DENOM --wait --rollup-id $ROLLUP_X --operator $(op_url "$ROLLUP_X") --home $HOME_DIR
    $BIN l2 exchange withdraw alice ${ADDRESSES[alice]} 100$SECOND_DENOM --wait --rollup-id $ROLLUP_X --operator $(op_url "$ROLLUP_X") --home $HOME_DIR
EOF
  fi
  echo
}
