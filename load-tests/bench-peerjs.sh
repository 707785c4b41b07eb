#!/usr/bin/env bash
# GreenMesh vs the PeerJS server (npm `peer`), signaling relay: the same PeerJS-protocol load generator
# (io.greenmesh.loadtest.peerjs.PeerJsLoadGenerator) drives each server in turn on this machine, at the same fixed
# aggregate rates, and the script prints one Markdown table per server, the messages/s each sustained at
# p99 <= BENCH_TARGET_P99_MS, and the ratio GreenMesh / PeerJS. docs/benchmarks.md ("Comparisons") quotes it.
#
#   load-tests/bench-peerjs.sh                     # build, both servers, report; under 10 minutes
#   BENCH_REF=<commit> load-tests/bench-peerjs.sh
#   BENCH_WORKTREE=1 load-tests/bench-peerjs.sh    # the working tree as it is
#   BENCH_SKIP_BUILD=1 load-tests/bench-peerjs.sh
#   BENCH_RATES=500,1000 BENCH_STEP_SECONDS=5 load-tests/bench-peerjs.sh   # a quick look
#
# Both servers are started on free 127.0.0.1 ports and left running side by side; once both answer, the script takes
# the machine-wide benchmark lock (flock /tmp/greenmesh-bench.lock, shared with the other benchmarks of this
# repository, so that two benchmarks never measure at once), records `uptime`, and runs ONE generator process that
# holds BENCH_PEERS peers (in pairs) on each server: a warm-up on each, then for every rate a BENCH_STEP_SECONDS step on
# one server and then the same step on the other, the order alternating from rate to rate, so that whatever else the
# machine is doing weighs on both alike. A server is not stepped further once a step's p99 exceeds BENCH_STOP_P99_MS
# or it had an error or a lost message. Then the lock is released and the servers are stopped by their PIDs.
# Everything listens on 127.0.0.1 only; every wait is bounded; the script stops itself after BENCH_LIMIT_SECONDS.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${BENCH_LIMIT_SECONDS:-570}
PEERS=${BENCH_PEERS:-1000}
RATES=${BENCH_RATES:-500,1000,2000,4000,8000}
STEP_SECONDS=${BENCH_STEP_SECONDS:-15}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
WARMUP_RATE=${BENCH_WARMUP_RATE:-1000}
STOP_P99_MS=${BENCH_STOP_P99_MS:-100}
TARGET_P99_MS=${BENCH_TARGET_P99_MS:-10}
SERVERS=${BENCH_SERVERS:-"greenmesh peerjs"}
PEER_VERSION=1.0.2 # the version PeerJsServerParityTest checks GreenMesh against
LOCK=${BENCH_LOCK:-/tmp/greenmesh-bench.lock}
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-peerjs}
NPM_PREFIX=$ROOT/load-tests/target/npm-peer

NODE_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC)
LOADGEN_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC)

REF=${BENCH_REF:-HEAD}
if [ "${BENCH_WORKTREE:-0}" = 1 ]; then SRC=$ROOT; else SRC=$OUT/src; fi
NODE_JAR=$SRC/signaling-cluster/target/greenmesh.jar
LOADGEN_JAR=$SRC/load-tests/target/greenmesh-loadgen.jar
PEERJS_BIN=$NPM_PREFIX/node_modules/peer/dist/bin/peerjs.js
START=$SECONDS
SERVER_PID=""
SERVER_PIDS=()

say() { printf '[bench-peerjs %4ds] %s\n' "$((SECONDS - START))" "$*"; }
remaining() { echo $((LIMIT - (SECONDS - START))); }

. "$ROOT/load-tests/lib.sh"

stop_servers() {
  stop_pids server "${SERVER_PIDS[@]}"
  SERVER_PIDS=()
}
trap stop_servers EXIT

# start_greenmesh: sets SERVER_PID, WS_URL, METRICS_URL; adds the PID to SERVER_PIDS.
start_greenmesh() {
  local http management cluster
  read -r http management cluster <<<"$(free_ports 3)"
  # Rate limits stay at their defaults (50 messages/s, burst 100 per connection): with BENCH_PEERS=1000 the highest
  # rate, 8,000 msg/s, is 8 messages/s per connection, plus a heartbeat every 5 s. All the peers come from
  # 127.0.0.1, so the per-address connection limit (greenmesh.limits.connections-per-ip) is off, as the PeerJS server
  # has none.
  GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 \
  GREENMESH_HTTP_HOST=127.0.0.1 \
  GREENMESH_HTTP_PORT=$http \
  GREENMESH_MANAGEMENT_PORT=$management \
  GREENMESH_CLUSTER_HOST=127.0.0.1 \
  GREENMESH_CLUSTER_PORT=$cluster \
  GREENMESH_TURN_ENABLED=false \
  GREENMESH_TURN_SECRET=bench \
    java "${NODE_JVM[@]}" "-Xlog:gc*:file=$OUT/greenmesh-gc.log" -jar "$NODE_JAR" >"$OUT/greenmesh.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  WS_URL="ws://127.0.0.1:$http/peerjs"
  METRICS_URL="http://127.0.0.1:$http/metrics"
  say "GreenMesh: pid $SERVER_PID, http 127.0.0.1:$http, management $management, cluster $cluster"
  await_http GreenMesh "http://127.0.0.1:$http/ready" "$OUT/greenmesh.log" "$SERVER_PID"
}

# start_peerjs: sets SERVER_PID, WS_URL; adds the PID to SERVER_PIDS.
start_peerjs() {
  local port
  port=$(free_ports 1)
  node "$PEERJS_BIN" --port "$port" --host 127.0.0.1 --path / >"$OUT/peerjs.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  WS_URL="ws://127.0.0.1:$port/"
  say "PeerJS server $PEER_VERSION ($(node --version)): pid $SERVER_PID, 127.0.0.1:$port, path /"
  await_http "PeerJS server" "http://127.0.0.1:$port/" "$OUT/peerjs.log" "$SERVER_PID"
}

# measure: start every server of SERVERS, run the generator against all of them under the benchmark lock, stop them.
measure() {
  local urls=() names=() pids=() s left
  METRICS_URL=""
  for s in $SERVERS; do
    case $s in
      greenmesh) start_greenmesh; names+=(GreenMesh) ;;
      peerjs) start_peerjs; names+=(PeerJS) ;;
      *) say "unknown server $s (greenmesh, peerjs)"; exit 64 ;;
    esac
    urls+=("$WS_URL"); pids+=("$SERVER_PID")
  done
  left=$(remaining)
  say "waiting for the benchmark lock $LOCK (at most $((left - 240)) s)"
  exec 9>"$LOCK"
  if ! flock -w $((left - 240 > 0 ? left - 240 : 1)) 9; then
    say "the lock was not free in time; nothing measured"; exec 9>&-; return 0
  fi
  left=$(remaining)
  say "lock taken; uptime: $(uptime)"
  echo "before: $(uptime)" >>"$OUT/uptime.txt"
  java "${LOADGEN_JVM[@]}" -cp "$LOADGEN_JAR" io.greenmesh.loadtest.peerjs.PeerJsLoadGenerator \
    --url "$(IFS=,; echo "${urls[*]}")" --server "$(IFS=,; echo "${names[*]}")" \
    --server-pid "$(IFS=,; echo "${pids[*]}")" --peers "$PEERS" --rates "$RATES" \
    --step-seconds "$STEP_SECONDS" --warmup-seconds "$WARMUP_SECONDS" --warmup-rate "$WARMUP_RATE" \
    --stop-p99-ms "$STOP_P99_MS" --out "$OUT/results.tsv" --max-seconds $((left - 30 < 400 ? left - 30 : 400)) \
    2>&1 | tee "$OUT/loadgen.log" || say "the generator failed (exit ${PIPESTATUS[0]})"
  say "measured; uptime: $(uptime)"
  echo "after:  $(uptime)" >>"$OUT/uptime.txt"
  if [ -n "$METRICS_URL" ]; then
    # What GreenMesh itself counted: frames it dropped (rate limit, size), sockets it closed, relayed messages.
    curl -sf --max-time 5 "$METRICS_URL" | grep -E '^greenmesh_peerjs_(messages_(ignored|received|sent|held|expired|dropped)|connections_(closed|refused))_total' \
      | tee "$OUT/metrics-greenmesh.txt" || say "GreenMesh /metrics unreadable"
  fi
  flock -u 9
  exec 9>&-
  stop_servers
}

mkdir -p "$OUT"
rm -f "$OUT/results.tsv" "$OUT/uptime.txt"

build_measured_tree

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js and npm (apt-get), for the PeerJS server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if ! grep -qs "\"version\": \"$PEER_VERSION\"" "$NPM_PREFIX/node_modules/peer/package.json"; then
  say "installing peer@$PEER_VERSION into $NPM_PREFIX"
  mkdir -p "$NPM_PREFIX"
  timeout 180 npm install --prefix "$NPM_PREFIX" --no-audit --no-fund --no-package-lock "peer@$PEER_VERSION" \
    >"$OUT/npm-install.log" 2>&1 || { say "npm install failed:"; tail -n 20 "$OUT/npm-install.log"; exit 1; }
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(uptime)"
say "java: $(java -version 2>&1 | head -n 1); node $(node --version); peer $PEER_VERSION"
if [ "$SRC" = "$ROOT" ]; then
  say "source: working tree at $(git rev-parse --short HEAD)"
else
  say "source: commit $(git rev-parse --short "$REF")"
fi
say "workload: $PEERS peers in pairs; rates $RATES msg/s, ${STEP_SECONDS} s each after a ${WARMUP_SECONDS} s warm-up at ${WARMUP_RATE}/s; stop at p99 > ${STOP_P99_MS} ms"

measure

say "done in $((SECONDS - START)) s; logs in $OUT"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $(java -version 2>&1 | head -n 1); node $(node --version)"
echo
cat "$OUT/uptime.txt"
echo
if [ -s "$OUT/results.tsv" ]; then
  java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.peerjs.PeerJsReport "$OUT/results.tsv" "$TARGET_P99_MS" \
    "$OUT/p99-vs-rate.png" | tee "$OUT/report.md"
else
  say "no results"
fi
