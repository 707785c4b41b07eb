#!/usr/bin/env bash
# The Gatling scenarios (load-tests/src/test/java/io/greenmesh/loadtest/gatling) at benchmark size, on this machine:
# starts the nodes, runs each simulation through the Gatling Maven plugin, stops the nodes by their PIDs, and writes
# load-tests/target/gatling-summary.md (a Markdown table per request: count, failures, p50/p95/p99/max) that
# run-benchmarks.sh puts into docs/benchmarks.md. HTML reports: load-tests/target/gatling/<simulation>-<time>/.
#
#   load-tests/gatling.sh                          # everything: about 11 minutes on 2 cores, plus the build
#   GATLING_ONLY="join negotiation" load-tests/gatling.sh
#   BENCH_WORKTREE=1 BENCH_SKIP_BUILD=1 load-tests/gatling.sh   # the working tree as it is, already built
#
# Scenarios (GATLING_ONLY picks some; sizes below are environment variables):
#   join         JoinStormSimulation, fresh node: GATLING_JOIN_RATE joins/s (500) for GATLING_JOIN_SECONDS (20), rooms
#                of 4, each session held GATLING_JOIN_HOLD s (5)
#   negotiation  NegotiationSimulation, fresh node per room size in GATLING_ROOM_SIZES ("2 4 8"): GATLING_NEGO_RATE
#                users/s (50) for GATLING_NEGO_SECONDS (20); offer/answer/4 candidates/end-of-candidates per pair
#   cross        three-node cluster, rooms of 3, GATLING_CROSS_RATE (51) users/s for GATLING_NEGO_SECONDS: first
#                NegotiationSimulation with every peer on node 1, then CrossNodeSimulation with each peer of a room
#                on its own node (every signal crosses nodes)
#   reconnect    ReconnectStormSimulation, a fresh three-node cluster: GATLING_RECONNECT_USERS (600) sessions at
#                100/s spread over the nodes; GATLING_KILL_AFTER s (20) after Gatling starts, node 3 is killed with
#                SIGKILL (a crash) by its PID; its sessions resume on node 1; everyone holds until
#                GATLING_RECONNECT_HOLD s (50) after the simulation started
#   idle         IdleSessionsSimulation, fresh node: GATLING_IDLE_USERS (10000) sessions at GATLING_IDLE_RATE/s (500),
#                held GATLING_IDLE_HOLD s (45) with greenmesh.js's ping every 20 s; none may drop
#
# Every scenario runs on fresh nodes after a warm-up of GATLING_WARMUP_USERS (400) users negotiating in rooms of 4 for
# 4 s, not reported (so the JIT has compiled the measured paths and a cluster has allocated its first shards).
# GATLING_NODE_OPTS adds JVM options to every node (an experiment, e.g. "-Dpekko.http.server.backlog=1024").
# Assertions use the simulations' defaults (they pass on a busy 2-core machine) unless GATLING_ASSERT is set, e.g.
# GATLING_ASSERT="-Dassert.joinP99Ms=20" for the issue's join target. A simulation whose assertions fail is reported
# as such in the summary and the script goes on; it exits 1 at the end if any failed.
#
# By default the code measured is a clean export of BENCH_REF (default HEAD) built in
# load-tests/target/gatling-bench/src (nothing installed into ~/.m2), as bench-signaling.sh does; BENCH_WORKTREE=1
# measures the working tree. The Maven plugin resolves load-tests' other dependencies (turn-relay) from ~/.m2: run
# `mvn install -DskipTests` once on a fresh machine. Everything listens on 127.0.0.1; the script takes the machine-wide benchmark lock
# (/tmp/greenmesh-bench.lock) while it measures, every wait is bounded, and it stops itself after BENCH_LIMIT_SECONDS.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${BENCH_LIMIT_SECONDS:-1200}
ONLY=${GATLING_ONLY:-"join negotiation cross reconnect idle"}
JOIN_RATE=${GATLING_JOIN_RATE:-500}
JOIN_SECONDS=${GATLING_JOIN_SECONDS:-20}
JOIN_HOLD=${GATLING_JOIN_HOLD:-5}
ROOM_SIZES=${GATLING_ROOM_SIZES:-"2 4 8"}
NEGO_RATE=${GATLING_NEGO_RATE:-50}
NEGO_SECONDS=${GATLING_NEGO_SECONDS:-20}
CROSS_RATE=${GATLING_CROSS_RATE:-51}
RECONNECT_USERS=${GATLING_RECONNECT_USERS:-600}
RECONNECT_HOLD=${GATLING_RECONNECT_HOLD:-50}
KILL_AFTER=${GATLING_KILL_AFTER:-20}
IDLE_USERS=${GATLING_IDLE_USERS:-10000}
IDLE_RATE=${GATLING_IDLE_RATE:-500}
IDLE_HOLD=${GATLING_IDLE_HOLD:-45}
WARMUP_USERS=${GATLING_WARMUP_USERS:-400}
read -r -a ASSERT <<<"${GATLING_ASSERT:-}"
LOCK=${BENCH_LOCK:-/tmp/greenmesh-bench.lock}
OUT=$ROOT/load-tests/target/gatling-bench
RESULTS=$ROOT/load-tests/target/gatling
SUMMARY=$ROOT/load-tests/target/gatling-summary.md

NODE_JVM=(-Xms1g -Xmx1g -XX:+UseG1GC)
read -r -a NODE_EXTRA <<<"${GATLING_NODE_OPTS:-}" # e.g. "-Dpekko.http.server.backlog=1024" for an experiment
REF=${BENCH_REF:-HEAD}
if [ "${BENCH_WORKTREE:-0}" = 1 ]; then SRC=$ROOT; else SRC=$OUT/src; fi
NODE_JAR=$SRC/signaling-cluster/target/greenmesh.jar
LOADGEN_JAR=$SRC/load-tests/target/greenmesh-loadgen.jar
START=$SECONDS
NODE_PIDS=()
FAILED=()

say() { printf '[gatling %4ds] %s\n' "$((SECONDS - START))" "$*"; }
remaining() { echo $((LIMIT - (SECONDS - START))); }
wanted() { [[ " $ONLY " == *" $1 "* ]]; }
. "$ROOT/load-tests/lib.sh"

stop_nodes() {
  stop_pids node "${NODE_PIDS[@]}"
  NODE_PIDS=()
}
trap stop_nodes EXIT

# start_nodes NAME COUNT: COUNT nodes on free loopback ports, the first the seed of the others; waits until each is
# ready and, for a cluster, until the first counts COUNT members up. Sets NODE_PIDS and URLS (comma-separated).
start_nodes() {
  local name=$1 count=$2 i http management cluster seed="" urls=()
  for i in $(seq 1 "$count"); do
    read -r http management cluster <<<"$(free_ports 3)"
    [ -n "$seed" ] || seed="pekko://greenmesh@127.0.0.1:$cluster"
    GREENMESH_HTTP_HOST=127.0.0.1 GREENMESH_HTTP_PORT=$http \
    GREENMESH_MANAGEMENT_HOST=127.0.0.1 GREENMESH_MANAGEMENT_PORT=$management \
    GREENMESH_CLUSTER_HOST=127.0.0.1 GREENMESH_CLUSTER_PORT=$cluster GREENMESH_SEED_NODES=$seed \
    GREENMESH_TURN_ENABLED=false GREENMESH_TURN_SECRET=gatling-bench \
    GREENMESH_LIMIT_CONNECTIONS_PER_IP=0 GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP=0 \
      java "${NODE_JVM[@]}" "${NODE_EXTRA[@]}" -jar "$NODE_JAR" >"$OUT/node-$name-$i.log" 2>&1 &
    NODE_PIDS+=($!)
    urls+=("http://127.0.0.1:$http")
    say "node $name-$i: pid $!, http 127.0.0.1:$http, management $management, cluster $cluster"
  done
  for i in $(seq 1 "$count"); do
    await_http "node $name-$i" "${urls[i - 1]}/ready" "$OUT/node-$name-$i.log" "${NODE_PIDS[i - 1]}"
  done
  if [ "$count" -gt 1 ]; then
    for _ in $(seq 1 120); do
      members_up "${urls[0]}" "$count" && break
      sleep 0.5
    done
    members_up "${urls[0]}" "$count" || { say "the $count nodes did not form a cluster in 60 s"; exit 1; }
    say "cluster of $count up"
  fi
  URLS=$(IFS=,; echo "${urls[*]}")
}

# listen_overflows: the machine's count of connections dropped because a listen queue was full (TcpExt
# ListenOverflows): a node that accepts too slowly for the arrival rate shows here, not in its log.
listen_overflows() {
  awk '/^TcpExt:/ { if (!n) { for (i = 1; i <= NF; i++) col[$i] = i; n = 1 } else print $col["ListenOverflows"] }' \
    /proc/net/netstat
}

# members_up URL COUNT: whether the node at URL counts COUNT cluster members up.
members_up() {
  local metrics
  metrics=$(curl -sf --max-time 2 "$1/metrics" || true)
  grep -q "^greenmesh_cluster_members{status=\"up\"} $2.0" <<<"$metrics"
}

# gatling LABEL SIMULATION SECONDS -Dkey=value...: one simulation through the Maven plugin, at most SECONDS; the report
# directory is recorded with LABEL for the summary, LABEL added to FAILED if it failed (and its exit status returned).
gatling() {
  local label=$1 simulation=$2 budget=$3 status=0 log overflows; shift 3
  log=$OUT/$simulation-$(tr -c 'A-Za-z0-9\n' '-' <<<"$label").log
  overflows=$(listen_overflows)
  say "$label: $simulation $*"
  (cd "$SRC" && timeout "$budget" mvn -B -q -o -pl load-tests gatling:test \
      -Dgatling.simulationClass="io.greenmesh.loadtest.gatling.$simulation" -Dgatling.resultsFolder="$RESULTS" \
      -Dgatling.runDescription="$label" "$@" "${ASSERT[@]}") >"$log" 2>&1 || status=$?
  grep -E '^> (request count|response time (50|99)th)|: (99th percentile|percentage of failed).*: false' "$log" \
    | sed 's/^/    /' || true
  say "$label: TCP listen queue overflows during the run (whole machine): $(($(listen_overflows) - overflows))"
  if [ "$status" != 0 ]; then
    FAILED+=("$label")
    say "$label: FAILED (exit $status; assertions or the run itself, see $log)"
  fi
  [ -f "$RESULTS/lastRun.txt" ] && printf '%s\t%s\n' "$label" "$(cat "$RESULTS/lastRun.txt")" >>"$OUT/runs.tsv"
  rm -f "$RESULTS/lastRun.txt"
  return "$status"
}

# warm_up URLS NAME: a short negotiation over all the fresh nodes (joins and signals, so that the JIT has compiled what is
# measured and a cluster has allocated its first shards); not reported, its assertions off. Its log is kept per run.
warm_up() {
  local simulation=NegotiationSimulation
  [[ $1 == *,* ]] && simulation=CrossNodeSimulation
  say "warm-up: ${WARMUP_USERS} users negotiating in rooms of 4 (not reported)"
  (cd "$SRC" && timeout 120 mvn -B -q -o -pl load-tests gatling:test -Dgatling.noReports=true \
      -Dgatling.simulationClass="io.greenmesh.loadtest.gatling.$simulation" -Dgatling.resultsFolder="$OUT/warm-up" \
      -Dgreenmesh.urls="$1" -DroomSize=4 -Drate=$((WARMUP_USERS / 4)) -Dduration=4 -Dhold=0 -Dtimeout=10 \
      -DcoordinationTimeout=5 \
      -Dassert.maxFailedPct=100 -Dassert.joinP99Ms=600000 -Dassert.relayP99Ms=600000) >"$OUT/warm-up-$2.log" 2>&1 \
    || say "warm-up failed (see $OUT/warm-up-$2.log); measuring anyway"
}

# enough SECONDS NAME: whether SECONDS are left for scenario NAME (else it is skipped and said so).
enough() {
  if [ "$(remaining)" -lt "$1" ]; then say "skipping $2: only $(remaining)s left of BENCH_LIMIT_SECONDS"; return 1; fi
}

mkdir -p "$OUT" "$RESULTS"
rm -f "$OUT/runs.tsv" "$RESULTS/lastRun.txt"

build_measured_tree

# 10,000 sessions need 10,000 sockets in the node and in Gatling.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
say "waiting for the benchmark lock $LOCK (at most 300 s)"
exec 9>"$LOCK"
flock -w 300 9 || { say "the lock was not free in time; nothing measured"; exit 1; }
BEFORE=$(uptime)
say "lock taken; machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM," \
  "open files $(ulimit -n); $BEFORE"

if wanted join && enough 90 join; then
  start_nodes join 1
  warm_up "$URLS" join
  gatling "join storm, $JOIN_RATE/s" JoinStormSimulation $((JOIN_SECONDS + JOIN_HOLD + 90)) -Dgreenmesh.url="$URLS" \
    -Drate="$JOIN_RATE" -Dduration="$JOIN_SECONDS" -Dhold="$JOIN_HOLD" || true
  stop_nodes
fi

if wanted negotiation; then
  for size in $ROOM_SIZES; do
    enough 90 "negotiation in rooms of $size" || continue
    start_nodes "negotiation-$size" 1
    warm_up "$URLS" "negotiation-$size"
    gatling "negotiation, rooms of $size" NegotiationSimulation $((NEGO_SECONDS + 120)) -Dgreenmesh.url="$URLS" \
      -DroomSize="$size" -Drate="$NEGO_RATE" -Dduration="$NEGO_SECONDS" || true
    stop_nodes
  done
fi

if wanted cross && enough $((2 * NEGO_SECONDS + 150)) cross; then
  start_nodes cross 3
  warm_up "$URLS" cross
  # The same load with every peer on node 1 of the same cluster first: the difference is what crossing nodes costs.
  gatling "same node of a 3-node cluster, rooms of 3" NegotiationSimulation $((NEGO_SECONDS + 120)) \
    -Dgreenmesh.url="${URLS%%,*}" -DroomSize=3 -Drate="$CROSS_RATE" -Dduration="$NEGO_SECONDS" || true
  gatling "cross-node, 3 nodes, rooms of 3" CrossNodeSimulation $((NEGO_SECONDS + 120)) -Dgreenmesh.urls="$URLS" \
    -DroomSize=3 -Drate="$CROSS_RATE" -Dduration="$NEGO_SECONDS" || true
  stop_nodes
fi

if wanted reconnect && enough $((RECONNECT_HOLD + 120)) reconnect; then
  start_nodes reconnect 3
  warm_up "$URLS" reconnect
  victim=${NODE_PIDS[2]}
  gatling "reconnect storm, 3 nodes, node 3 killed" ReconnectStormSimulation $((RECONNECT_HOLD + 150)) \
    -Dgreenmesh.urls="$URLS" -Dusers="$RECONNECT_USERS" -Drate=100 -Dhold="$RECONNECT_HOLD" &
  runner=$!
  sleep "$KILL_AFTER"
  say "killing node reconnect-3 (pid $victim) with SIGKILL, $KILL_AFTER s after Gatling was started"
  kill -9 "$victim" 2>/dev/null || say "node reconnect-3 (pid $victim) was already gone"
  wait "$runner" 2>/dev/null || FAILED+=("reconnect storm") # the background run's own FAILED is not this shell's
  stop_nodes
fi

if wanted idle && enough $((IDLE_USERS / IDLE_RATE + IDLE_HOLD + 120)) idle; then
  NODE_JVM=(-Xms2g -Xmx2g -XX:+UseG1GC)
  start_nodes idle 1
  warm_up "$URLS" idle
  gatling "idle sessions, $IDLE_USERS" IdleSessionsSimulation $((IDLE_USERS / IDLE_RATE + IDLE_HOLD + 150)) \
    -Dgatling.heap=2g -Dgreenmesh.url="$URLS" -Dusers="$IDLE_USERS" -Drate="$IDLE_RATE" -Dhold="$IDLE_HOLD" || true
  stop_nodes
fi

AFTER=$(uptime)
flock -u 9
exec 9>&-

{
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -n 1);" \
    "shared with other work (load average before: ${BEFORE##*load average: }, after: ${AFTER##*load average: })."
  if [ "$SRC" = "$ROOT" ]; then measured="working tree at $(git rev-parse --short HEAD)"
  else measured="commit $(git rev-parse --short "$REF")"; fi
  echo "Source: $measured, $(date -u '+%Y-%m-%d %H:%M UTC'); \`load-tests/gatling.sh\` (Gatling 3.13.5, one load"
  echo "generator JVM on the same machine as the nodes)."
  echo "Times are Gatling's, in whole milliseconds, of the successful requests; \`relay …\` rows are round trips at the"
  echo "offerer (its signal relayed to the peer, the peer's reply relayed back)."
  echo
  if [ -s "$OUT/runs.tsv" ]; then
    java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.report.GatlingSummary "$OUT/runs.tsv" "$RESULTS"
  else
    echo "No simulation ran."
  fi
  if [ "${#FAILED[@]}" -gt 0 ]; then
    echo
    echo "Failed (assertions or the run): $(printf '%s; ' "${FAILED[@]}" | sed 's/; $//')."
  fi
} >"$SUMMARY"

say "done in $((SECONDS - START)) s; reports in $RESULTS, logs in $OUT"
echo
cat "$SUMMARY"
[ "${#FAILED[@]}" -eq 0 ]
