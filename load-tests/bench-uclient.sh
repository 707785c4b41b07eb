#!/usr/bin/env bash
# coturn's own load client against both relays: turnutils_uclient, with the same flags, against GreenMesh's relay and
# against coturn, one after the other, each relaying to a turnutils_peer echo. The interop run of issue 7 item 2, and a
# second opinion next to our own generator (bench-turn.sh): uclient is coturn's tool, so it cannot favour GreenMesh.
#
# GreenMesh runs with mode off: uclient's payloads are plaintext, which the encrypted-only check (mode enforce, the
# default) drops by design — CoturnUclientInteropTest shows that; bench-turn.sh measures enforce with DTLS-shaped
# payloads. Everything is on 127.0.0.1; every process is stopped by its PID; each uclient run is bounded.
#
#   load-tests/bench-uclient.sh                      # 50 clients x 500 messages of 160 bytes, about 1.5 min
#   BENCH_UCLIENT_CLIENTS=100 BENCH_UCLIENT_MESSAGES=1000 load-tests/bench-uclient.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-uclient}
CLIENTS=${BENCH_UCLIENT_CLIENTS:-50}
MESSAGES=${BENCH_UCLIENT_MESSAGES:-500}
LENGTH=${BENCH_UCLIENT_LENGTH:-160}
INTERVAL_MS=${BENCH_UCLIENT_INTERVAL_MS:-5}
SECRET=${BENCH_SECRET:-uclient-$RANDOM$RANDOM}
TURN_JAR=$ROOT/turn-relay/target/greenmesh-turn.jar
LOADGEN_JAR=$ROOT/load-tests/target/greenmesh-loadgen.jar
START=$SECONDS

say() { printf '[bench-uclient %4ds] %s\n' "$((SECONDS - START))" "$*"; }
. "$ROOT/load-tests/lib.sh"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && { [ ! -f "$TURN_JAR" ] || [ ! -f "$LOADGEN_JAR" ]; }; then
  say "building turn-relay and load-tests"
  mvn -B -q -o package -DskipTests -pl turn-relay,load-tests -am || mvn -B -q package -DskipTests -pl turn-relay,load-tests -am
fi
if ! command -v turnutils_uclient >/dev/null; then
  say "installing coturn (turnutils_uclient, turnutils_peer, turnserver)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn >/dev/null
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT/results.md"

PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do stop_pid "$p" process; done; PIDS=(); }
trap cleanup EXIT

# run_uclient LABEL PORT: one bounded uclient run against the relay on PORT; appends a row to results.md.
run_uclient() {
  local label=$1 port=$2 peer_port log began elapsed
  peer_port=$(free_ports 1)
  turnutils_peer -L 127.0.0.1 -p "$peer_port" > "$OUT/peer-$label.log" 2>&1 &
  local peer_pid=$!
  sleep 0.3
  log=$OUT/uclient-$label.log
  say "$label: turnutils_uclient -m $CLIENTS -n $MESSAGES -l $LENGTH -z $INTERVAL_MS"
  began=$SECONDS
  timeout 180 turnutils_uclient -W "$SECRET" -u bench -m "$CLIENTS" -n "$MESSAGES" -l "$LENGTH" -z "$INTERVAL_MS" \
    -e 127.0.0.1 -r "$peer_port" -p "$port" 127.0.0.1 > "$log" 2>&1 || say "$label: uclient exited with $?"
  elapsed=$((SECONDS - began))
  stop_pid "$peer_pid" "turnutils_peer"
  local totals sent recv lost rtt jitter connect transmit
  totals=$(grep -o 'tot_send_msgs=[0-9]*, tot_recv_msgs=[0-9]*' "$log" | tail -n 1)
  sent=$(sed -n 's/tot_send_msgs=\([0-9]*\).*/\1/p' <<<"$totals")
  recv=$(sed -n 's/.*tot_recv_msgs=\([0-9]*\)/\1/p' <<<"$totals")
  lost=$(grep -o 'Total lost packets [0-9]* ([0-9.]*%)' "$log" | tail -n 1 | sed 's/Total lost packets //')
  rtt=$(grep -o 'Average round trip delay [0-9.]* ms' "$log" | tail -n 1 | grep -o '[0-9.]* ms')
  jitter=$(grep -o 'Average jitter [0-9.]* ms' "$log" | tail -n 1 | grep -o '[0-9.]* ms')
  connect=$(grep -o 'Total connect time is [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
  transmit=$(grep -o 'Total transmit time is [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
  printf '| %s | %s | %s | %s | %s | %s | %s s | %s s | %s s |\n' "$label" "${sent:-?}" "${recv:-?}" "${lost:-?}" \
    "${rtt:-?}" "${jitter:-?}" "${connect:-?}" "${transmit:-?}" "$elapsed" >> "$OUT/results.md"
  say "$label: sent ${sent:-?}, echoed ${recv:-?}, lost ${lost:-?}, rtt ${rtt:-?}"
}

# run_greenmesh LABEL [VAR=value...]: a fresh relay with the given extra settings, one uclient run, then stopped.
run_greenmesh() {
  local label=$1 port metrics; shift
  read -r port metrics <<<"$(free_ports 2)"
  env GREENMESH_TURN_SECRET="$SECRET" GREENMESH_TURN_HOST=127.0.0.1 GREENMESH_TURN_RELAY_ADDRESS=127.0.0.1 \
    GREENMESH_TURN_PORT="$port" GREENMESH_TURN_ALLOW_LOOPBACK_PEERS=true GREENMESH_TURN_METRICS_PORT="$metrics" \
    GREENMESH_TURN_MODE=off GREENMESH_TURN_RFC5766_CHANNELS=true GREENMESH_TURN_MAX_ALLOCATIONS_PER_USER=1000 \
    GREENMESH_TURN_UNAUTHENTICATED_RATE=1000 GREENMESH_TURN_UNAUTHENTICATED_BURST=1000 "$@" \
    java -jar "$TURN_JAR" > "$OUT/greenmesh.log" 2>&1 &
  PIDS+=($!)
  await_http "GreenMesh relay" "http://127.0.0.1:$metrics/metrics" "$OUT/greenmesh.log" "$!"
  run_uclient "$label" "$port"
  cleanup
}

# The default answers an unauthenticated request only once it is not an amplifier (on the client's retransmission);
# the second run lets the 401 be 3x the request, as coturn does unconditionally.
run_greenmesh "GreenMesh relay (mode off, amplification 1.0)" GREENMESH_TURN_UNAUTHENTICATED_AMPLIFICATION=1.0
run_greenmesh "GreenMesh relay (mode off, amplification 3, the default)"

COTURN_PORT=$(free_ports 1)
COTURN_MIN=$(( 40000 + (RANDOM % 20) * 1000 ))
turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$COTURN_PORT" --use-auth-secret \
  --static-auth-secret="$SECRET" --realm=greenmesh --allow-loopback-peers --no-cli --no-tls --no-dtls \
  --min-port=$COTURN_MIN --max-port=$((COTURN_MIN + 999)) --relay-threads="$(nproc)" --no-stdout-log --simple-log \
  --log-file="$OUT/coturn.log" > "$OUT/coturn.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q "Total General servers" "$OUT/coturn.log" 2>/dev/null && break; sleep 0.1; done
run_uclient "coturn $(dpkg-query -W -f '${Version}' coturn 2>/dev/null)" "$COTURN_PORT"
cleanup

{
  echo "turnutils_uclient, $CLIENTS clients × $MESSAGES messages of $LENGTH bytes, one every $INTERVAL_MS ms per client,"
  echo "echoed by turnutils_peer (\`turnutils_uclient -W <secret> -u bench -m $CLIENTS -n $MESSAGES -l $LENGTH -z $INTERVAL_MS -e 127.0.0.1 -r <peer> -p <relay> 127.0.0.1\`):"
  echo
  echo '| Relay | Sent | Echoed back | Lost | Average round trip | Average jitter | Connect (allocations) | Transmit | Run time |'
  echo '|---|---:|---:|---|---:|---:|---:|---:|---:|'
  cat "$OUT/results.md"
} | tee "$OUT/report.md"
