#!/usr/bin/env bash
# Capacity, single node: how many idle WebSocket sessions one node holds in a 4 GiB heap, and what each costs.
# Builds the node and the load generator (or reuses them), starts one node with -Xms4g -Xmx4g (G1), connects N idle
# sessions in joined rooms of 4 through SignalingLoadGenerator, holds them, and reports the sessions held, the live
# heap after a forced GC, heap per session, the node's RSS, errors and drops, and whether it fitted in the heap.
# Rows for docs/benchmarks.md go to load-tests/target/bench-capacity/capacity.md.
#
#   load-tests/bench-capacity.sh                      # 100,000 sessions (or as many as the open-file limit allows)
#   CAPACITY_SESSIONS=20000 load-tests/bench-capacity.sh
#   BENCH_SKIP_BUILD=1 load-tests/bench-capacity.sh   # reuse the jars in */target
#   CAPACITY_RELAY_ALLOCATIONS=0 ...                  # skip the relay part (default 10,000 allocations)
#
# Relay part: a standalone relay (greenmesh-turn.jar, -Xmx1g) holds CAPACITY_RELAY_ALLOCATIONS UDP allocations, each
# with one permission and one channel, set up by TurnLoadGenerator, which then sends 1 packet/s in all (its warm-up
# step, CAPACITY_RELAY_HOLD_SECONDS long): live heap after a forced GC with 0 and N allocations, per allocation, and
# the relay's RSS. Each allocation costs a UDP socket in the relay and one in the generator.
#
# Addresses: one client address gets about 28,000 ephemeral ports per destination address and port
# (net.ipv4.ip_local_port_range), so the node listens on 0.0.0.0 and the generator spreads its connections over
# CAPACITY_HOSTS (127.0.0.1 … 127.0.0.6 by default: all of 127.0.0.0/8 is loopback on Linux, no setup needed).
# Every connection stays on loopback. Each process needs one file descriptor per connection: the script raises
# `ulimit -n` for both; when the hard limit cannot be raised (no CAP_SYS_RESOURCE, e.g. in a container), it measures
# as many sessions as fit and says so, with the projection to CAPACITY_SESSIONS.
#
# Bounded: the generator stops itself after the time left of CAPACITY_LIMIT_SECONDS (default 900); the node is
# stopped by its PID on any exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${CAPACITY_LIMIT_SECONDS:-900}
SESSIONS=${CAPACITY_SESSIONS:-100000}
ROOM_SIZE=4
CONNECT_RATE=${CAPACITY_CONNECT_RATE:-1000}
JOIN_RATE=${CAPACITY_JOIN_RATE:-500}
HOLD_SECONDS=${CAPACITY_HOLD_SECONDS:-60}
HOSTS=${CAPACITY_HOSTS:-127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6}
HEAP_TARGET_GIB=4
NODE_JVM=(-Xms${HEAP_TARGET_GIB}g -Xmx${HEAP_TARGET_GIB}g -XX:+UseG1GC)
LOADGEN_JVM=(-Xms${CAPACITY_LOADGEN_HEAP:-8g} -Xmx${CAPACITY_LOADGEN_HEAP:-8g} -XX:+UseG1GC)
OUT=${CAPACITY_OUT:-$ROOT/load-tests/target/bench-capacity}
NODE_JAR=$ROOT/signaling-cluster/target/greenmesh.jar
LOADGEN_JAR=$ROOT/load-tests/target/greenmesh-loadgen.jar
TURN_JAR=$ROOT/turn-relay/target/greenmesh-turn.jar
RELAY_ALLOCATIONS=${CAPACITY_RELAY_ALLOCATIONS:-10000}
RELAY_HOLD_SECONDS=${CAPACITY_RELAY_HOLD_SECONDS:-40}
START=$SECONDS
NODE_PID=""
LOADGEN_PID=""

say() { printf '[capacity %4ds] %s\n' "$((SECONDS - START))" "$*"; }

. "$ROOT/load-tests/lib.sh"

stop_all() {
  if [ -n "$LOADGEN_PID" ] && kill -0 "$LOADGEN_PID" 2>/dev/null; then kill "$LOADGEN_PID" 2>/dev/null || true; fi
  [ -n "$NODE_PID" ] || return 0
  stop_pid "$NODE_PID" "${NODE_NOUN:-node}"
  NODE_PID=""
}
trap stop_all EXIT

mkdir -p "$OUT"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$NODE_JAR" ] || [ ! -f "$LOADGEN_JAR" ] || [ ! -f "$TURN_JAR" ]; then
  say "building signaling-cluster, turn-relay and load-tests (working tree)"
  mvn -B -q -o package -DskipTests -pl signaling-cluster,turn-relay,load-tests -am \
    || mvn -B -q package -DskipTests -pl signaling-cluster,turn-relay,load-tests -am
fi

# One descriptor per connection in each process, plus room for the JVM's own (jars, selectors, cluster sockets).
need=$(( (SESSIONS > RELAY_ALLOCATIONS ? SESSIONS : RELAY_ALLOCATIONS) + 5000 ))
ulimit -Hn "$need" 2>/dev/null || true
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
  capped=$(( (hard - 1500) / ROOM_SIZE * ROOM_SIZE ))
  say "WARNING: the open-file hard limit is $hard and cannot be raised here (needs CAP_SYS_RESOURCE; nr_open is" \
    "$(cat /proc/sys/fs/nr_open)): measuring $capped sessions instead of $SESSIONS and projecting"
  TARGET=$SESSIONS
  SESSIONS=$(( capped < SESSIONS ? capped : SESSIONS ))
  RELAY_ALLOCATIONS=$(( capped < RELAY_ALLOCATIONS ? capped : RELAY_ALLOCATIONS ))
else
  TARGET=$SESSIONS
fi
ulimit -n "$(ulimit -Hn)"

read -r HTTP_PORT MANAGEMENT_PORT CLUSTER_PORT <<<"$(free_ports 3)"
say "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, open files $(ulimit -n)," \
  "ports $(cat /proc/sys/net/ipv4/ip_local_port_range | tr '\t' '-'), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "source: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- signaling-cluster load-tests/src || echo ' with uncommitted changes')"

GREENMESH_HTTP_HOST=0.0.0.0 \
GREENMESH_HTTP_PORT=$HTTP_PORT \
GREENMESH_MANAGEMENT_HOST=127.0.0.1 \
GREENMESH_MANAGEMENT_PORT=$MANAGEMENT_PORT \
GREENMESH_CLUSTER_HOST=127.0.0.1 \
GREENMESH_CLUSTER_PORT=$CLUSTER_PORT \
GREENMESH_TURN_ENABLED=false GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP=0 \
GREENMESH_LIMIT_SESSIONS_PER_NODE=0 GREENMESH_LIMIT_ROOMS_PER_NODE=0 \
  java "${NODE_JVM[@]}" "-Xlog:gc*:file=$OUT/node-gc.log" -XX:+ExitOnOutOfMemoryError -jar "$NODE_JAR" \
  >"$OUT/node.log" 2>&1 &
NODE_PID=$!
say "node: pid $NODE_PID, ${NODE_JVM[*]}, http 0.0.0.0:$HTTP_PORT (connected to on $HOSTS)"
await_http node "http://127.0.0.1:$HTTP_PORT/ready" "$OUT/node.log" "$NODE_PID"

left=$((LIMIT - (SECONDS - START) - 30))
say "generator: ${LOADGEN_JVM[*]}; $SESSIONS sessions, rooms of $ROOM_SIZE, connects $CONNECT_RATE/s," \
  "joins $JOIN_RATE/s, held ${HOLD_SECONDS}s; stops itself within ${left}s"
rm -f "$OUT/heap.md" "$OUT/latency.md" "$OUT/cpu.md"
: >"$OUT/loadgen.log"
java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" --port "$HTTP_PORT" --node-pid "$NODE_PID" --hosts "$HOSTS" \
  --http-clients 8 --sessions "$SESSIONS" --room-size "$ROOM_SIZE" --connect-rate "$CONNECT_RATE" \
  --join-rate "$JOIN_RATE" --signal-rates none --heap yes --hold-seconds "$HOLD_SECONDS" \
  --report-dir "$OUT" --max-seconds "$left" >"$OUT/loadgen.log" 2>&1 &
LOADGEN_PID=$!
tail -f "$OUT/loadgen.log" --pid "$LOADGEN_PID" &

# heap_used PID: the live heap (KiB) right after a forced full GC, from jcmd GC.heap_info.
heap_used_kib() {
  jcmd "$1" GC.run >/dev/null || true
  jcmd "$1" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") print $(i + 1) + 0}' \
    | head -n 1
}

# While the sessions are held: the node's own view, after one more forced GC.
rss_kib=""; hwm_kib=""; heap_used=""; fds=""
for _ in $(seq 1 $((left * 2))); do
  kill -0 "$LOADGEN_PID" 2>/dev/null || break
  if grep -q "holding [0-9]* idle sessions" "$OUT/loadgen.log"; then
    sleep 5
    heap_used="$(( $(heap_used_kib "$NODE_PID") / 1024 )) MiB"
    rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$NODE_PID/status")
    hwm_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$NODE_PID/status")
    fds=$(ls "/proc/$NODE_PID/fd" | wc -l)
    say "node while holding: heap used after GC $heap_used, RSS $((rss_kib / 1024)) MiB (peak $((hwm_kib / 1024)) MiB), $fds open files"
    break
  fi
  sleep 0.5
done
wait "$LOADGEN_PID" && code=0 || code=$?
LOADGEN_PID=""
node_alive=yes; kill -0 "$NODE_PID" 2>/dev/null || node_alive=no
oom=$(grep -c "OutOfMemoryError" "$OUT/node.log" || true)
stop_all

held=$(sed -n 's/.*held \([0-9]*\/[0-9]*\) sessions open.*/\1/p' "$OUT/loadgen.log" | tail -n 1)
joined=$(sed -n 's/.*joined \([0-9]*\)\/[0-9]* at .*/\1/p' "$OUT/loadgen.log" | tail -n 1)
per_session=$(sed -n 's/.*idle sessions: .* → \([0-9,]*\) B per session.*/\1/p' "$OUT/loadgen.log" | tail -n 1 | tr -d ,)
heap_row=$(tail -n 1 "$OUT/heap.md" 2>/dev/null || true)
errors=$(awk '/client saw:/ {f = 1; next} f && /^  / {sub(/^ +/, ""); print; next} {f = 0}' "$OUT/loadgen.log" \
  | paste -sd';' || true)
server_errors=$(grep -c "node counted greenmesh_signaling_errors_total" "$OUT/loadgen.log" || true)
[ -n "$errors" ] || errors=$(grep -q "client saw no errors" "$OUT/loadgen.log" && echo none || echo "see loadgen.log")

# The verdict is about the heap: the live set projected to TARGET sessions against the 4 GiB. G1 needs room
# beyond the live set to work in, so past 85 % of the heap it is "only just".
verdict="unknown (no heap figure; see $OUT/loadgen.log)"
if [ "$oom" != 0 ] || [ "$node_alive" != yes ]; then
  verdict="no: the node ran out of heap or died"
elif [ -n "$per_session" ]; then
  baseline=$(sed -n 's/.*live heap after GC, 0 sessions: \([0-9.]*\) MiB.*/\1/p' "$OUT/loadgen.log" | tail -n 1)
  projected=$(awk -v b="${baseline:-0}" -v p="$per_session" -v n="$TARGET" \
    'BEGIN {printf "%.2f", (b * 1048576 + p * n) / 1073741824}')
  pct=$(awk -v g="$projected" -v t="$HEAP_TARGET_GIB" 'BEGIN {printf "%.0f", 100 * g / t}')
  if [ "$pct" -le 85 ]; then verdict=yes; elif [ "$pct" -le 100 ]; then verdict="only just"; else verdict=no; fi
  verdict="$verdict: $projected GiB live = $pct % of the heap"
  [ "$TARGET" = "$SESSIONS" ] || verdict="$verdict (projected from $SESSIONS: open-file limit)"
fi

{
  echo "Commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M') UTC, \`load-tests/bench-capacity.sh\`;" \
    "node ${NODE_JVM[*]}; $(nproc) cores; open-file limit $(ulimit -n); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| Sessions offered | Joined | Open after ${HOLD_SECONDS} s held | Live heap after GC (jcmd GC.heap_info) | Heap per idle session | Node RSS (peak) | Errors | ${TARGET} sessions in ${HEAP_TARGET_GIB} GiB |"
  echo "|---:|---:|---:|---:|---:|---:|---|---|"
  echo "| $SESSIONS | ${joined:-?} | ${held:-?} | ${heap_used:-?} | ${per_session:-?} B | $(( ${rss_kib:-0} / 1024 )) MiB ($(( ${hwm_kib:-0} / 1024 )) MiB) | client: $errors; node error counters moved: $server_errors | $verdict |"
  echo
  echo "Live heap with 0 and N sessions (the generator's measurement, median of 3 forced GCs):"
  echo
  echo "| Idle sessions | Live heap, 0 sessions | Live heap, N sessions | Heap per idle session |"
  echo "|---:|---:|---:|---:|"
  echo "$heap_row"
} >"$OUT/capacity.md"
say "generator exit $code; node alive at the end: $node_alive"

relay() {
  local n=$RELAY_ALLOCATIONS ports secret base loaded rss granted refused gen_pid
  ports=($(java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.FreePorts 4))
  secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  GREENMESH_TURN_SECRET=$secret GREENMESH_TURN_HOST=127.0.0.1 GREENMESH_TURN_RELAY_ADDRESS=127.0.0.1 \
  GREENMESH_TURN_PORT=${ports[0]} GREENMESH_TURN_METRICS_PORT=${ports[1]} GREENMESH_TURN_ALLOW_LOOPBACK_PEERS=true \
  GREENMESH_TURN_MAX_ALLOCATIONS=$n \
    java -Xms1g -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -jar "$TURN_JAR" >"$OUT/relay.log" 2>&1 &
  NODE_PID=$!
  NODE_NOUN=relay
  for _ in $(seq 1 100); do grep -q "listening on" "$OUT/relay.log" && break; sleep 0.1; done
  sleep 2
  base=$(heap_used_kib "$NODE_PID")
  say "relay: pid $NODE_PID, udp/${ports[0]}, live heap $((base / 1024)) MiB; $n allocations, held ${RELAY_HOLD_SECONDS}s"
  java -Xms1g -Xmx1g -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.TurnLoadGenerator \
    --targets "relay=turn:127.0.0.1:${ports[0]}:$NODE_PID" --secret "$secret" --allocations "$n" --size 200 \
    --sender-threads 1 --sink-ports "${ports[2]},${ports[3]}" --start-rate 1 --warmup-seconds "$RELAY_HOLD_SECONDS" \
    --max-steps 1 --refine 0 --step-seconds 1 --rounds 1 --time-limit $((RELAY_HOLD_SECONDS + 120)) \
    --out "$OUT/relay-steps.tsv" >"$OUT/relay-loadgen.log" 2>&1 &
  gen_pid=$!
  for _ in $(seq 1 $((2 * (RELAY_HOLD_SECONDS + 120)))); do
    grep -q "ready in" "$OUT/relay-loadgen.log" && break
    kill -0 "$gen_pid" 2>/dev/null || break
    sleep 0.5
  done
  sleep 3
  loaded=$(heap_used_kib "$NODE_PID")
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$NODE_PID/status")
  jcmd "$NODE_PID" GC.class_histogram 2>/dev/null | head -n 25 >"$OUT/relay-histogram.txt" || true
  metrics=$(curl -sf --max-time 5 "http://127.0.0.1:${ports[1]}/metrics" || true)
  granted=$(echo "$metrics" | awk '/^greenmesh_turn_allocations_active/ {print $2 + 0}' | head -n 1)
  refused=$(echo "$metrics" | awk '/^greenmesh_turn_allocations_refused_total/ {s += $2} END {print s + 0}')
  say "relay with $n allocations: ${granted:-?} active, $refused refused, live heap $((loaded / 1024)) MiB, RSS $((rss / 1024)) MiB"
  kill "$gen_pid" 2>/dev/null || true
  wait "$gen_pid" 2>/dev/null || true
  stop_all
  {
    echo
    echo "Relay (standalone greenmesh-turn.jar, -Xmx1g): UDP allocations held, one permission and one channel each."
    echo
    echo "| Allocations | Active (relay's gauge) | Refused | Live heap, 0 | Live heap, N | Heap per allocation | Relay RSS |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    echo "| $n | ${granted:-?} | $refused | $((base / 1024)) MiB | $((loaded / 1024)) MiB |" \
      "$(( (loaded - base) * 1024 / n )) B | $((rss / 1024)) MiB |"
  } >>"$OUT/capacity.md"
}
if [ "$RELAY_ALLOCATIONS" -gt 0 ]; then relay; fi

say "rows in $OUT/capacity.md:"
cat "$OUT/capacity.md"
