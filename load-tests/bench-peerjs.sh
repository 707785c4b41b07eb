#!/usr/bin/env bash
# GreenMesh vs the PeerJS server (npm `peer`), signaling relay, issue 14's targets: the Netty load generator
# (io.greenmesh.loadtest.wsload.NettyLoadGenerator) drives GreenMesh's /v1/ws, GreenMesh's /peerjs and the PeerJS
# server in one run with the same workload (pairs of peers relaying candidates and, one in ten, 3 KB offers/answers),
# raising each server's rate along a ladder until it fails (p99 > BENCH_STOP_P99_MS, a loss, a message out of order
# or an error). It prints one Markdown table per server (LadderReport): msg/s at p99 <= BENCH_TARGET_P99_MS, server CPU
# µs/msg at equal rates, the generator's own CPU µs/msg, and the ratios to the PeerJS server against the targets.
#
#   load-tests/bench-peerjs.sh                     # build, three servers, report; under 10 minutes
#   BENCH_REF=<commit> load-tests/bench-peerjs.sh
#   BENCH_WORKTREE=1 load-tests/bench-peerjs.sh    # the working tree as it is
#   BENCH_SKIP_BUILD=1 load-tests/bench-peerjs.sh
#   BENCH_RATES=1000,2000 BENCH_STEP_SECONDS=5 BENCH_PEERS=200 load-tests/bench-peerjs.sh   # a quick look
#   BENCH_SERVERS="greenmesh-peerjs peerjs" ...    # a subset (greenmesh-v1, greenmesh-peerjs, peerjs)
#
# Both servers are started on free 127.0.0.1 ports; once they answer, the script takes the machine-wide benchmark
# lock (flock /tmp/greenmesh-bench.lock, shared with the other benchmarks of this repository), records `uptime`, and
# runs ONE generator process that holds BENCH_PEERS peers on each endpoint: a warm-up on each, then for every rate a
# BENCH_STEP_SECONDS step on each endpoint in turn, the order rotating from rate to rate. GreenMesh's per-connection
# rate limit is raised for the run (GREENMESH_RATE_LIMIT_PER_SECOND, default 50/s) so that the ladder's top rates,
# 64 msg/s per connection at 64,000 msg/s over 1,000 peers, measure the relay and not the limiter; the PeerJS server
# has none. Everything listens on 127.0.0.1 only; every wait is bounded; the script stops itself after
# BENCH_LIMIT_SECONDS.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${BENCH_LIMIT_SECONDS:-570}
PEERS=${BENCH_PEERS:-1000}
RATES=${BENCH_RATES:-2000..64000*2}
STEP_SECONDS=${BENCH_STEP_SECONDS:-15}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
WARMUP_RATE=${BENCH_WARMUP_RATE:-2000}
STOP_P99_MS=${BENCH_STOP_P99_MS:-10}
TARGET_P99_MS=${BENCH_TARGET_P99_MS:-10}
# BENCH_KIND=handshake (what bench-handshake.sh sets): WebSocket handshakes/s instead of the relay, same servers.
KIND=${BENCH_KIND:-relay}
if [ "$KIND" = handshake ]; then
  SERVERS=${BENCH_SERVERS:-"greenmesh-v1 peerjs"}
  RATES=${BENCH_RATES:-1000..16000*2}
  STEP_SECONDS=${BENCH_STEP_SECONDS:-10}
else
  SERVERS=${BENCH_SERVERS:-"greenmesh-v1 greenmesh-peerjs peerjs"}
fi
PEER_VERSION=1.0.2 # the version PeerJsServerParityTest checks GreenMesh against
LOCK=${BENCH_LOCK:-/tmp/greenmesh-bench.lock}
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-$([ "$KIND" = handshake ] && echo handshake || echo peerjs)}
NPM_PREFIX=$ROOT/load-tests/target/npm-peer

# BENCH_NODE_OPTS: extra JVM options for the GreenMesh node (an A/B of one setting, e.g.
# "-Dpekko.actor.default-dispatcher.fork-join-executor.parallelism-max=2"), split on spaces.
read -r -a NODE_EXTRA <<<"${BENCH_NODE_OPTS:-}"
NODE_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC "${NODE_EXTRA[@]}")
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
  # The per-connection rate limit is raised (see the head of this file). All the peers come from 127.0.0.1, so the
  # per-address limits are off, as the PeerJS server has none.
  GREENMESH_RATE_LIMIT_PER_SECOND=${BENCH_GREENMESH_RATE_LIMIT:-1000} GREENMESH_RATE_LIMIT_BURST=2000 \
  GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP=0 \
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
  WS_URL="ws://127.0.0.1:$http"
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
  METRICS_URL=""; GM_URL=""; GM_PID=""
  for s in $SERVERS; do
    case $s in
      greenmesh-v1|greenmesh-peerjs)
        [ -n "$GM_URL" ] || { start_greenmesh; GM_URL=$WS_URL; GM_PID=$SERVER_PID; }
        if [ "$s" = greenmesh-v1 ]; then names+=("GreenMesh /v1/ws"); urls+=("$GM_URL/v1/ws")
        else names+=("GreenMesh /peerjs"); urls+=("$GM_URL/peerjs"); fi
        pids+=("$GM_PID") ;;
      peerjs) start_peerjs; names+=(PeerJS); urls+=("$WS_URL"); pids+=("$SERVER_PID") ;;
      *) say "unknown server $s (greenmesh-v1, greenmesh-peerjs, peerjs)"; exit 64 ;;
    esac
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
  if [ "$KIND" = handshake ]; then
    handshakes "${urls[@]}" -- "${names[@]}" -- "${pids[@]}"
  else
  java "${LOADGEN_JVM[@]}" -cp "$LOADGEN_JAR" io.greenmesh.loadtest.wsload.NettyLoadGenerator \
    --url "$(IFS=,; echo "${urls[*]}")" --server "$(IFS=,; echo "${names[*]}")" \
    --server-pid "$(IFS=,; echo "${pids[*]}")" --peers "$PEERS" --rates "$RATES" \
    --step-seconds "$STEP_SECONDS" --warmup-seconds "$WARMUP_SECONDS" --warmup-rate "$WARMUP_RATE" \
    --stop-p99-ms "$STOP_P99_MS" --out "$OUT/results.tsv" --max-seconds $((left - 30 < 480 ? left - 30 : 480)) \
    2>&1 | tee "$OUT/loadgen.log" || say "the generator failed (exit ${PIPESTATUS[0]})"
  fi
  say "measured; uptime: $(uptime)"
  echo "after:  $(uptime)" >>"$OUT/uptime.txt"
  if [ -n "$METRICS_URL" ]; then
    # What GreenMesh itself counted: frames it dropped (rate limit, size), sockets it closed, relayed messages.
    curl -sf --max-time 5 "$METRICS_URL" | grep -E '^greenmesh_(peerjs_)?(messages_(ignored|received|sent|held|expired|dropped)|connections_(closed|refused))_total' \
      | tee "$OUT/metrics-greenmesh.txt" || say "GreenMesh /metrics unreadable"
  fi
  flock -u 9
  exec 9>&-
  stop_servers
}

# handshakes URL... -- NAME... -- PID...: HandshakeBenchmark on each server in turn, each up its own ladder.
handshakes() {
  local -a u=() n=() p=(); local part=0 a i
  for a in "$@"; do
    if [ "$a" = -- ]; then part=$((part + 1)); continue; fi
    case $part in 0) u+=("$a") ;; 1) n+=("$a") ;; *) p+=("$a") ;; esac
  done
  for i in "${!u[@]}"; do
    local url=${u[$i]}
    [[ $url == */v1/ws ]] || url="${url%/}/peerjs?key=peerjs&id=hs&token=t"
    java "${LOADGEN_JVM[@]}" -cp "$LOADGEN_JAR" io.greenmesh.loadtest.wsload.HandshakeBenchmark \
      --url "$url" --server "${n[$i]}" --server-pid "${p[$i]}" --rates "$RATES" --step-seconds "$STEP_SECONDS" \
      --out "$OUT/results.tsv" --max-seconds $(( $(remaining) / ${#u[@]} > 60 ? $(remaining) / ${#u[@]} - 30 : 30 )) \
      2>&1 | tee -a "$OUT/loadgen.log" || say "the handshake benchmark failed on ${n[$i]}"
  done
}

# handshake_report: per server, handshakes/s sustained (the highest offered rate completed in full with no error and
# p99 <= 50 ms) and the p99 at 2,000/s offered; then every step.
handshake_report() {
  awk -F'\t' '
    { s[$1] = 1; ok = ($6 == 0 && $5 >= $4 && $8 <= 50000); if (ok && $2 > best[$1]) best[$1] = $2
      if ($2 == 2000) p2k[$1] = sprintf("%.1f", $8 / 1000)
      rows[++n] = sprintf("| %s | %\047d | %\047d | %\047d | %d | %.1f | %.1f | %.1f | %.0f | %.0f |", $1, $2, $4, $5, $6,
        $7 / 1000, $8 / 1000, $9 / 1000, $5 ? $10 * 10000 / $5 : 0, $5 ? $11 * 10000 / $5 : 0) }
    END {
      print "| Server | Handshakes/s sustained (no error, p99 ≤ 50 ms) | p99 ms at 2,000/s offered |"; print "|---|---:|---:|"
      for (k in s) printf "| %s | %\047d | %s |\n", k, best[k], (k in p2k) ? p2k[k] : "not run"
      print ""
      print "| Server | Offered/s | Started | Completed | Errors | p50 ms | p99 ms | max ms | Server µs/handshake | Generator µs/handshake |"
      print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= n; i++) print rows[i] }' "$OUT/results.tsv"
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
if [ -s "$OUT/results.tsv" ] && [ "$KIND" = handshake ]; then
  handshake_report | tee "$OUT/report.md"
elif [ -s "$OUT/results.tsv" ]; then
  java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.wsload.LadderReport "$OUT/results.tsv" "$TARGET_P99_MS" \
    | tee "$OUT/report.md"
else
  say "no results"
fi
