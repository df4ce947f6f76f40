# devnet_rollups.sh: the two demo rollups of the devnet and the scripted
# scenario. Sourced by devnet.sh (DEVNET_ROLLUPS=1) after the node is up;
# uses its variables (BIN, HOME_DIR, KEYS_DIR, OP_*_PORT, ...) and helpers.
#
#   payments-a   operator carol      API http://127.0.0.1:$OP_A_PORT
#   payments-b   operator validator  API http://127.0.0.1:$OP_B_PORT
#
# run_demo checks every balance it prints and fails the script on a
# mismatch, so it doubles as an end-to-end test (tests/system/operator_test.go).

OPS_DIR=$HOME_DIR/operators
L1_FEES=2000$DENOM
DEMO_TIMEOUT=${DEVNET_DEMO_TIMEOUT:-180}

ncd() { "$BIN" "$@" --home "$HOME_DIR"; }

op_url() { [[ $1 == "$ROLLUP_A" ]] && echo "http://127.0.0.1:$OP_A_PORT" || echo "http://127.0.0.1:$OP_B_PORT"; }

# tx ARGS...: broadcast, wait for the block, fail on a non-zero code.
tx() {
  local out hash code
  out=$(ncd tx "$@" --yes --fees "$L1_FEES" --gas 400000 -o json 2>&1) || die "tx $*: $out"
  hash=$(grep -o '"txhash":"[0-9A-F]*"' <<<"$out" | grep -o '[0-9A-F]\{64\}') || die "tx $*: no hash in $out"
  code=$(grep -o '"code":[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$')
  [[ $code == 0 ]] || die "tx $* refused: $out"
  for _ in $(seq 1 60); do
    if out=$(ncd q tx "$hash" -o json 2>/dev/null); then
      code=$(grep -o '"code":[0-9]*' <<<"$out" | head -1 | grep -o '[0-9]*$')
      [[ $code == 0 ]] || die "tx $* failed in its block: $(grep -o '"raw_log":"[^"]*"' <<<"$out")"
      return 0
    fi
    sleep 0.5
  done
  die "tx $* ($hash) not included within 30s"
}

l1_balance() {
  ncd q bank balances "$1" -o json | tr -d ' \n' | grep -o "\"denom\":\"$DENOM\",\"amount\":\"[0-9]*\"" |
    grep -o '[0-9][0-9]*"$' | tr -d '"'
}

# l2_balance KEY ROLLUP: the balance verified on L1, or "none".
l2_balance() {
  local out
  if out=$(ncd l2 balance "$1" --operator "$(op_url "$2")" --json 2>/dev/null); then
    grep -o '"verified_balance": *"[0-9]*"' <<<"$out" | grep -o '[0-9][0-9]*' | tail -1
  else
    echo none
  fi
}

# wait_l2 KEY ROLLUP WANT: until KEY's verified balance on ROLLUP is WANT.
wait_l2() {
  local got deadline=$((SECONDS + DEMO_TIMEOUT))
  while :; do
    got=$(l2_balance "$1" "$2")
    [[ $got == "$3" ]] && return 0
    ((SECONDS < deadline)) || die "$1 on $2: balance $got, want $3 (operator log: $OPS_DIR/$2/operator.log)"
    sleep 0.5
  done
}

expect() { [[ $1 == "$2" ]] || die "$3: got $1, want $2"; }

step() { printf '\n%s== %s ==%s\n' "$C_LOG" "$*" "$C_OFF"; }

show() {
  printf '  %-28s %s\n' "L1 alice" "$(l1_balance "${ADDRESSES[alice]}") $DENOM"
  printf '  %-28s %s\n' "L1 bob" "$(l1_balance "${ADDRESSES[bob]}") $DENOM"
  printf '  %-28s %s\n' "L2 alice on $ROLLUP_A" "$(l2_balance alice "$ROLLUP_A")"
  printf '  %-28s %s\n' "L2 bob on $ROLLUP_A" "$(l2_balance bob "$ROLLUP_A")"
  printf '  %-28s %s\n' "L2 bob on $ROLLUP_B" "$(l2_balance bob "$ROLLUP_B")"
}

start_operator() {
  local id=$1 dir=$OPS_DIR/$1
  nohup "$BIN" operator start --operator-home "$dir" --home "$HOME_DIR" >"$dir/operator.log" 2>&1 </dev/null &
  echo $! >"$dir/operator.pid"
  local deadline=$((SECONDS + 60))
  until ncd operator status --operator-home "$dir" >/dev/null 2>&1; do
    alive "$(cat "$dir/operator.pid")" || { tail -n 20 "$dir/operator.log" >&2; die "operator $id exited"; }
    ((SECONDS < deadline)) || die "operator $id did not answer within 60s (log: $dir/operator.log)"
    sleep 0.3
  done
  log "operator $id running (pid $(cat "$dir/operator.pid"), API $(op_url "$id"), log $dir/operator.log)"
}

setup_rollups() {
  local params=(--param "depth=$ROLLUP_DEPTH" --param "slots=$ROLLUP_SLOTS")
  log "proving keys for payments(depth=$ROLLUP_DEPTH, slots=$ROLLUP_SLOTS) in $KEYS_DIR (cached after the first run)"
  "$BIN" operator setup --circuit payments "${params[@]}" --keys-dir "$KEYS_DIR" >"$HOME_DIR/setup.log" 2>&1 ||
    { cat "$HOME_DIR/setup.log" >&2; die "operator setup failed"; }
  grep -E 'reusing|setup time|constraints' "$HOME_DIR/setup.log" | sed 's/^/    /' >&2 || true
  mkdir -p "$OPS_DIR"
  local id key port
  for id in "$ROLLUP_A" "$ROLLUP_B"; do
    if [[ $id == "$ROLLUP_A" ]]; then key=carol port=$OP_A_PORT; else key=validator port=$OP_B_PORT; fi
    ncd operator init "$id" --key "$key" "${params[@]}" --keys-dir "$KEYS_DIR" --operator-home "$OPS_DIR/$id" \
      --api-listen "127.0.0.1:$port" --batch-timeout "$BATCH_TIMEOUT" >/dev/null
    log "registering rollup $id (operator $key)"
    local out
    out=$(ncd operator register --operator-home "$OPS_DIR/$id" --bond 10000000$DENOM --yes --fees 20000$DENOM --gas 600000 -o json 2>&1) ||
      die "register $id: $out"
  done
  local deadline=$((SECONDS + 30))
  until ncd q rollups rollup "$ROLLUP_B" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "rollup $ROLLUP_B not registered within 30s"
    sleep 0.5
  done
  ncd q rollups rollup "$ROLLUP_A" >/dev/null 2>&1 || die "rollup $ROLLUP_A not registered"
  start_operator "$ROLLUP_A"
  start_operator "$ROLLUP_B"
  for name in alice bob; do
    [[ -f $HOME_DIR/l2keys/$name.json ]] || ncd l2 keys add "$name" --from-l1 "$name" >/dev/null
  done
}

run_demo() {
  local A B a1 b1 alice_l2 bob_l2
  alice_l2=$(ncd l2 keys show alice -a)
  bob_l2=$(ncd l2 keys show bob -a)
  A=$(op_url "$ROLLUP_A")
  B=$(op_url "$ROLLUP_B")

  step "0. before: L2 keys derived from the L1 keys (nativechaind l2 keys add NAME --from-l1 NAME)"
  printf '  alice L2 address %s...\n  bob   L2 address %s...\n' "${alice_l2:0:24}" "${bob_l2:0:24}"
  show
  a1=$(l1_balance "${ADDRESSES[alice]}")
  b1=$(l1_balance "${ADDRESSES[bob]}")

  step "1. deposits into $ROLLUP_A: alice 1000000, bob 10000 (tx crossrollup deposit)"
  tx crossrollup deposit "$ROLLUP_A" "$alice_l2" 1000000$DENOM --from alice
  tx crossrollup deposit "$ROLLUP_A" "$bob_l2" 10000$DENOM --from bob
  wait_l2 alice "$ROLLUP_A" 1000000
  wait_l2 bob "$ROLLUP_A" 10000
  expect "$(l1_balance "${ADDRESSES[alice]}")" $((a1 - 1000000 - 2000)) "L1 alice after her deposit"
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
  expect "$(l1_balance "${ADDRESSES[bob]}")" $((b1 - 10000 - 2000 + 40000)) "L1 bob after the withdrawal"
  show

  step "bridge: escrow equals the rollups' ledgers (q crossrollup invariant)"
  ncd q crossrollup invariant -o json | tr -d ' \n' | grep -q '"holds":true' || die "bridge invariant broken: $(ncd q crossrollup invariant)"
  ncd q crossrollup escrow "$ROLLUP_A" -o json | sed 's/^/  /'
  ncd q crossrollup escrow "$ROLLUP_B" -o json | sed 's/^/  /'
  printf '\n%sdemo complete: every balance above was checked%s\n' "$C_LOG" "$C_OFF"
}

rollup_summary() {
  cat <<EOF
  rollups (payments circuit, depth $ROLLUP_DEPTH, $ROLLUP_SLOTS slots, UNSAFE dev keys in $KEYS_DIR):
    $ROLLUP_A  operator carol      API $(op_url "$ROLLUP_A")   log $OPS_DIR/$ROLLUP_A/operator.log
    $ROLLUP_B  operator validator  API $(op_url "$ROLLUP_B")   log $OPS_DIR/$ROLLUP_B/operator.log

  try (L2 keys alice and bob are in $HOME_DIR/l2keys):
    $BIN operator status --operator-home $OPS_DIR/$ROLLUP_A
    $BIN l2 balance alice --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 transfer alice bob 1000 --fee 1 --wait --rollup-id $ROLLUP_A --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 send alice $ROLLUP_B bob 500 --fee 1 --wait --rollup-id $ROLLUP_A --operator $(op_url "$ROLLUP_A") --home $HOME_DIR
    $BIN l2 withdraw bob ${ADDRESSES[bob]} 100 --fee 1 --wait --rollup-id $ROLLUP_B --operator $(op_url "$ROLLUP_B") --home $HOME_DIR
    $BIN tx crossrollup deposit $ROLLUP_A \$($BIN l2 keys show alice -a --home $HOME_DIR) 5000unat --from alice --fees 2000unat --gas 400000 --yes --home $HOME_DIR
    curl -s $(op_url "$ROLLUP_A")/metrics | grep ^operator_

EOF
}
