#!/usr/bin/env bash
# Signaling, single node: builds the node and the load generator, then for each scenario starts a fresh node on free
# loopback ports, drives it with load-tests' SignalingLoadGenerator, stops the node by its PID, and finally prints
# the Markdown tables that docs/benchmarks.md quotes.
#
#   load-tests/bench-signaling.sh                  # the whole run, under 10 minutes
#   BENCH_REF=<commit> load-tests/bench-signaling.sh
#   BENCH_WORKTREE=1 load-tests/bench-signaling.sh  # the working tree as it is, uncommitted changes and all
#   BENCH_SKIP_BUILD=1 load-tests/bench-signaling.sh
#
# By default the node and the generator are built from a clean export of the commit BENCH_REF (default HEAD) in
# load-tests/target/bench-signaling/src, so the figures belong to one commit even while the working tree changes;
# nothing is installed into the local Maven repository.
#
# Scenarios, each on a fresh node (so the heap baseline is clean) and, but for C, after a warm-up of 1,000 sessions
# that connect, join, signal and leave (so the JIT has compiled the paths that are measured):
#   A. 1,000 sessions in rooms of 4 join at 500/s; live heap idle; signals at 1,000 and 5,000 msg/s, 20 s each
#   B. 10,000 sessions in rooms of 4 join at 500/s; live heap idle (no signals)
#   C. 1,000 sessions join at 500/s on a fresh node with no warm-up: the first joins after a deploy
# Everything is on 127.0.0.1. Every wait is bounded; the whole script stops itself after BENCH_LIMIT_SECONDS.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${BENCH_LIMIT_SECONDS:-570}
SESSIONS=${BENCH_SESSIONS:-1000}
LARGE_SESSIONS=${BENCH_LARGE_SESSIONS:-10000}
ROOM_SIZE=${BENCH_ROOM_SIZE:-4}
JOIN_RATE=${BENCH_JOIN_RATE:-500}
SIGNAL_RATES=${BENCH_SIGNAL_RATES:-1000,5000}
SIGNAL_SECONDS=${BENCH_SIGNAL_SECONDS:-20}
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-signaling}

# Both JVMs get a fixed heap so that neither resizes during a measurement; G1 is the JDK 17 default collector.
# The node's GC log (node-gc-<scenario>.log) tells pauses that are the collector's from those that are CPU starvation.
NODE_JVM=(-Xms2g -Xmx2g -XX:+UseG1GC)
LOADGEN_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC)

REF=${BENCH_REF:-HEAD}
if [ "${BENCH_WORKTREE:-0}" = 1 ]; then SRC=$ROOT; else SRC=$OUT/src; fi
NODE_JAR=$SRC/signaling-cluster/target/greenmesh.jar
LOADGEN_JAR=$SRC/load-tests/target/greenmesh-loadgen.jar
START=$SECONDS
NODE_PID=""

say() { printf '[bench %4ds] %s\n' "$((SECONDS - START))" "$*"; }
remaining() { echo $((LIMIT - (SECONDS - START))); }

. "$ROOT/load-tests/lib.sh"

stop_node() {
  [ -n "$NODE_PID" ] || return 0
  stop_pid "$NODE_PID" node
  NODE_PID=""
}
trap stop_node EXIT

# start_node NAME: a fresh node on three free loopback ports; sets NODE_PID and HTTP_PORT.
start_node() {
  local ports
  ports=$(free_ports 3)
  read -r HTTP_PORT MANAGEMENT_PORT CLUSTER_PORT <<<"$ports"
  GREENMESH_HTTP_HOST=127.0.0.1 \
  GREENMESH_HTTP_PORT=$HTTP_PORT \
  GREENMESH_MANAGEMENT_PORT=$MANAGEMENT_PORT \
  GREENMESH_CLUSTER_HOST=127.0.0.1 \
  GREENMESH_CLUSTER_PORT=$CLUSTER_PORT \
  GREENMESH_TURN_ENABLED=false GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP=0 \
    java "${NODE_JVM[@]}" "-Xlog:gc*:file=$OUT/node-gc-$1.log" -jar "$NODE_JAR" >"$OUT/node-$1.log" 2>&1 &
  NODE_PID=$!
  say "node $1: pid $NODE_PID, http 127.0.0.1:$HTTP_PORT, management $MANAGEMENT_PORT, cluster $CLUSTER_PORT"
  await_http node "http://127.0.0.1:$HTTP_PORT/ready" "$OUT/node-$1.log" "$NODE_PID"
}

# scenario NAME ARGS...: fresh node, load generator with ARGS, node stopped.
scenario() {
  local name=$1; shift
  local left; left=$(remaining)
  if [ "$left" -lt 60 ]; then say "skipping scenario $name: only ${left}s left"; return 0; fi
  start_node "$name"
  say "scenario $name: java ${LOADGEN_JVM[*]} -jar greenmesh-loadgen.jar --port $HTTP_PORT --node-pid $NODE_PID $*"
  java "${LOADGEN_JVM[@]}" -jar "$LOADGEN_JAR" --port "$HTTP_PORT" --node-pid "$NODE_PID" \
    --report-dir "$OUT" --max-seconds $((left - 30)) "$@" 2>&1 | tee "$OUT/loadgen-$name.log"
  stop_node
}

mkdir -p "$OUT"
rm -f "$OUT"/latency.md "$OUT"/heap.md "$OUT"/cpu.md

build_measured_tree

# 10,000 sessions need 10,000 sockets in each process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

say "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, open files $(ulimit -n), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "java: $(java -version 2>&1 | paste -sd' ')"
if [ "$SRC" = "$ROOT" ]; then
  say "source: working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- signaling-cluster || echo ', signaling-cluster with uncommitted changes')"
else
  say "source: commit $(git rev-parse --short "$REF")"
fi
say "node JVM: ${NODE_JVM[*]}; load generator JVM: ${LOADGEN_JVM[*]}"

scenario "${SESSIONS}-sessions" --sessions "$SESSIONS" --room-size "$ROOM_SIZE" --join-rate "$JOIN_RATE" \
  --signal-rates "$SIGNAL_RATES" --signal-duration "$SIGNAL_SECONDS"
scenario "${LARGE_SESSIONS}-sessions" --sessions "$LARGE_SESSIONS" --room-size "$ROOM_SIZE" --join-rate "$JOIN_RATE" \
  --signal-rates none
scenario "${SESSIONS}-sessions-cold" --sessions "$SESSIONS" --room-size "$ROOM_SIZE" --join-rate "$JOIN_RATE" \
  --signal-rates none --warmup 0 --heap no --label "fresh node, no warm-up"

say "done in $((SECONDS - START)) s; logs in $OUT"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(java -version 2>&1 | head -n 1)"
echo
java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.signaling.RunReport "$OUT"
