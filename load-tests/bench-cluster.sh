#!/usr/bin/env bash
# Signaling, two-node cluster: cross-node signal latency next to same-node latency, one run, one machine.
# Starts two nodes (java -jar, seed nodes, loopback ports), then drives the load generator twice with the same load:
#   same-node:  every session on node A
#   cross-node: sessions alternate between A and B, so every signal crosses from one node to the other
# Needs: mvn -B -q install -DskipTests (or BENCH_BUILD=1). Every wait is bounded; nodes are stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SESSIONS=${BENCH_SESSIONS:-1000}
RATES=${BENCH_SIGNAL_RATES:-1000}
SECONDS_PER_RATE=${BENCH_SIGNAL_SECONDS:-20}
OUT=$ROOT/load-tests/target/bench-cluster
mkdir -p "$OUT"
[ "${BENCH_BUILD:-0}" = 1 ] && mvn -B -q install -DskipTests
NODE_JAR=$ROOT/signaling-cluster/target/greenmesh.jar
LOADGEN_JAR=$ROOT/load-tests/target/greenmesh-loadgen.jar
say() { printf '[bench-cluster %4ds] %s\n' "$SECONDS" "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

A_HTTP=$(free_port); A_MGMT=$(free_port); A_CL=$(free_port)
B_HTTP=$(free_port); B_MGMT=$(free_port); B_CL=$(free_port)
SEED="pekko://greenmesh@127.0.0.1:$A_CL"
start_node() { # http mgmt cluster name
  GREENMESH_HTTP_HOST=127.0.0.1 GREENMESH_HTTP_PORT=$1 GREENMESH_MANAGEMENT_HOST=127.0.0.1 GREENMESH_MANAGEMENT_PORT=$2 \
  GREENMESH_CLUSTER_PORT=$3 GREENMESH_SEED_NODES=$SEED GREENMESH_TURN_ENABLED=false GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP=0 GREENMESH_TURN_SECRET=bench \
  GREENMESH_RATE_LIMIT_PER_SECOND=1000 GREENMESH_RATE_LIMIT_BURST=1000 \
    java -Xms1g -Xmx1g -XX:+UseG1GC -jar "$NODE_JAR" > "$OUT/node-$4.log" 2>&1 &
  PIDS+=($!)
}
start_node "$A_HTTP" "$A_MGMT" "$A_CL" a
start_node "$B_HTTP" "$B_MGMT" "$B_CL" b
for _ in $(seq 1 120); do
  up=$(curl -s "http://127.0.0.1:$A_HTTP/metrics" | grep -c '^greenmesh_cluster_members{status="up"} 2.0' || true)
  [ "$up" = 1 ] && break; sleep 0.5
done
[ "$up" = 1 ] || { say "cluster did not form"; exit 1; }
say "two-node cluster up: A=$A_HTTP B=$B_HTTP"

run() { # label extra-args...
  local label=$1; shift
  say "$label: $SESSIONS sessions in rooms of 4, signals at $RATES msg/s for ${SECONDS_PER_RATE}s"
  timeout 300 java -Xms512m -Xmx512m -jar "$LOADGEN_JAR" --port "$A_HTTP" "$@" --sessions "$SESSIONS" --room-size 4 \
    --join-rate 500 --signal-rates "$RATES" --signal-duration "$SECONDS_PER_RATE" --warmup 500 --heap no \
    --label "$label" --report-dir "$OUT" | tee "$OUT/$label.log" | grep -E "signal|join|error" | tail -6
}
run same-node
run cross-node --also-ports "$B_HTTP"
cross=$(curl -s "http://127.0.0.1:$A_HTTP/metrics" "http://127.0.0.1:$B_HTTP/metrics" | awk '/^greenmesh_signaling_cross_node_messages_total/ {s+=$2} END {print s}')
say "cross-node messages counted by the nodes: $cross"
say "tables: $OUT/latency.md"
cat "$OUT/latency.md"
