#!/usr/bin/env bash
# TURN relay, side by side: GreenMesh's relay (mode enforce, also on the epoll UDP transport as greenmesh-epoll,
# and mode off), coturn, and a bare UDP forwarder, each driven by load-tests' multi-threaded TurnLoadGenerator
# (io.greenmesh.loadtest.turn) over 127.0.0.1. For each server: the highest offered ChannelData rate with < 0.1 %
# loss, the server's CPU per delivered packet (from /proc/<pid>/stat), and one-way latency p50/p99 at that rate.
# Then the ratios GreenMesh(enforce)/coturn (target >= 1.2) and GreenMesh(enforce)/bare forwarder (target >= 0.7),
# the Markdown rows docs/benchmarks.md quotes, and a PNG of p99 latency against offered rate.
#
#   load-tests/bench-turn.sh                    # the whole run, stops itself after BENCH_LIMIT_SECONDS (570)
#   BENCH_WORKTREE=1 load-tests/bench-turn.sh   # measure the working tree instead of a clean export of HEAD
#   BENCH_SKIP_BUILD=1 / BENCH_ROUNDS=1 / BENCH_JFR=1 (adds a GreenMesh enforce relay under Java Flight Recorder as a
#   fifth target, greenmesh-enforce-jfr, left out of the ratios)
#   BENCH_WILDCARD=1 adds the enforce relay on the wildcard host 0.0.0.0 (the default bind: one listener socket per
#   local address and worker), on nio and epoll, as greenmesh-wildcard and greenmesh-epoll-wildcard; the generator
#   still sends to 127.0.0.1 only
#
# All servers run at once (idle but for the one under load) and ONE generator takes them in turn, step by step, in
# a rotating order: on a shared machine whose background load drifts, each server then sees the same background
# within seconds. BENCH_ROUNDS (default 3) repeats the whole search; per server the best round is reported and every
# round is printed. Every server is started by this script and stopped by its PID. Everything binds 127.0.0.1 only.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
LIMIT=${BENCH_LIMIT_SECONDS:-570}
ROUNDS=${BENCH_ROUNDS:-3}
SECRET=${BENCH_SECRET:-bench-turn-$$-$RANDOM}
ALLOCATIONS=${BENCH_ALLOCATIONS:-64}
SIZE=${BENCH_SIZE:-200}
START_RATE=${BENCH_START_RATE:-20000}
FACTOR=${BENCH_FACTOR:-1.3}
STEP_SECONDS=${BENCH_STEP_SECONDS:-3}
CORES=$(nproc)
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-turn}
REF=${BENCH_REF:-HEAD}
if [ "${BENCH_WORKTREE:-0}" = 1 ]; then SRC=$ROOT; else SRC=$OUT/src; fi
TURN_JAR=$SRC/turn-relay/target/greenmesh-turn.jar
LOADGEN_JAR=$SRC/load-tests/target/greenmesh-loadgen.jar
GEN_JVM=(-Xms512m -Xmx512m -XX:+UseG1GC)
START=$SECONDS

say() { printf '[bench-turn %4ds] %s\n' "$((SECONDS - START))" "$*"; }
remaining() { echo $((LIMIT - (SECONDS - START))); }
. "$ROOT/load-tests/lib.sh"

trap 'say "interrupted"; exit 130' INT TERM

mkdir -p "$OUT"
rm -f "$OUT"/steps.tsv "$OUT"/results.tsv "$OUT"/*.log "$OUT"/*.jfr

if ! command -v turnserver >/dev/null; then
  say "installing coturn (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq coturn >/dev/null
fi

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  if [ "$SRC" != "$ROOT" ]; then
    say "exporting $REF to $SRC"
    rm -rf "$SRC" && mkdir -p "$SRC"
    git -C "$ROOT" archive "$REF" | tar -x -C "$SRC"
  fi
  say "building turn-relay and load-tests in $SRC"
  (cd "$SRC" && { mvn -B -q -o package -DskipTests -pl turn-relay,load-tests -am \
    || mvn -B -q package -DskipTests -pl turn-relay,load-tests -am; })
fi
COMMIT=$(git -C "$ROOT" rev-parse --short "$REF")
[ "$SRC" = "$ROOT" ] && COMMIT="$COMMIT+worktree"

{
  echo "commit: $COMMIT"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "coturn: $(turnserver -h 2>&1 | grep -m1 -o 'Version Coturn-[^ ]*' || dpkg-query -W coturn)"
  echo "uptime at start: $(uptime)"
} | tee "$OUT/machine.txt"

SERVER_PIDS=()
stop_servers() {
  stop_pids server "${SERVER_PIDS[@]}"
  SERVER_PIDS=()
}
trap stop_servers EXIT

wait_ready() { # a server is ready once it logged its listening line (at most 10 s)
  local log=$1 pattern=$2
  for _ in $(seq 1 100); do grep -q "$pattern" "$log" 2>/dev/null && return 0; sleep 0.1; done
  say "no '$pattern' in $log after 10 s; going on"
}

start_greenmesh() { # $1 mode, $2 port, $3 metrics port, $4 label, extra JVM arguments after
  local mode=$1 port=$2 mport=$3 label=$4; shift 4
  GREENMESH_TURN_SECRET=$SECRET GREENMESH_TURN_HOST=${GREENMESH_TURN_HOST:-127.0.0.1} \
  GREENMESH_TURN_RELAY_ADDRESS=127.0.0.1 \
  GREENMESH_TURN_PORT=$port GREENMESH_TURN_ALLOW_LOOPBACK_PEERS=true GREENMESH_TURN_METRICS_PORT=$mport \
  GREENMESH_TURN_MODE=$mode java "$@" -jar "$TURN_JAR" > "$OUT/$label.log" 2>&1 &
  SERVER_PIDS+=($!)
  wait_ready "$OUT/$label.log" "listening on"
  TARGETS+=("$label=turn:127.0.0.1:$port:$!")
  say "$label: pid $!, udp/$port ($(cat "$OUT/$label.log" | head -1))"
}

PORTS=($(java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.FreePorts 18))
SINKS="${PORTS[10]},${PORTS[11]}"
TARGETS=()
start_greenmesh enforce "${PORTS[0]}" "${PORTS[1]}" greenmesh-enforce
start_greenmesh off "${PORTS[2]}" "${PORTS[3]}" greenmesh-off
GREENMESH_TURN_UDP_TRANSPORT=epoll start_greenmesh enforce "${PORTS[12]}" "${PORTS[13]}" greenmesh-epoll
if [ "${BENCH_WILDCARD:-0}" = 1 ]; then
  GREENMESH_TURN_HOST=0.0.0.0 start_greenmesh enforce "${PORTS[14]}" "${PORTS[15]}" greenmesh-wildcard
  GREENMESH_TURN_HOST=0.0.0.0 GREENMESH_TURN_UDP_TRANSPORT=epoll \
    start_greenmesh enforce "${PORTS[16]}" "${PORTS[17]}" greenmesh-epoll-wildcard
fi
if [ "${BENCH_JFR:-0}" = 1 ]; then
  start_greenmesh enforce "${PORTS[4]}" "${PORTS[5]}" greenmesh-enforce-jfr \
    "-XX:StartFlightRecording=filename=$OUT/greenmesh-enforce.jfr,settings=profile,dumponexit=true"
fi
COTURN_MIN=$(( 40000 + (RANDOM % 200) * 100 ))
COTURN=(turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="${PORTS[6]}"
  --use-auth-secret --static-auth-secret="$SECRET" --realm=greenmesh --allow-loopback-peers
  --no-cli --no-tls --no-dtls --min-port=$COTURN_MIN --max-port=$((COTURN_MIN + 99)) --relay-threads="$CORES"
  --no-stdout-log --simple-log --log-file="$OUT/coturn.log")
"${COTURN[@]}" > "$OUT/coturn.out" 2>&1 &
SERVER_PIDS+=($!)
wait_ready "$OUT/coturn.log" "Total General servers"
TARGETS+=("coturn=turn:127.0.0.1:${PORTS[6]}:$!")
say "coturn: pid $!, udp/${PORTS[6]}, $(grep -m1 'Total General servers' "$OUT/coturn.log" | sed 's/^.*: : //')"
java -Xms256m -Xmx256m -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.BareForwarder "${PORTS[8]}" "$CORES" \
  "127.0.0.1:${PORTS[10]},127.0.0.1:${PORTS[11]}" > "$OUT/bare.log" 2>&1 &
SERVER_PIDS+=($!)
wait_ready "$OUT/bare.log" "listening on"
TARGETS+=("bare=bare:127.0.0.1:${PORTS[8]}:$!")
say "bare forwarder: pid $!, udp/${PORTS[8]}, $CORES threads"
echo "coturn command: ${COTURN[*]/$SECRET/<secret>}" >> "$OUT/machine.txt"

BUDGET=$(( $(remaining) - 25 ))
say "generator: targets ${TARGETS[*]}; ${ROUNDS} round(s), budget ${BUDGET}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
GEN=(java "${GEN_JVM[@]}" -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.TurnLoadGenerator
  --targets "$(IFS=,; echo "${TARGETS[*]}")" --secret "$SECRET" --allocations "$ALLOCATIONS" --size "$SIZE"
  --sender-threads 2 --sink-ports "$SINKS" --start-rate "$START_RATE" --factor "$FACTOR" --max-rate 600000
  --max-steps 16 --refine 2 --step-seconds "$STEP_SECONDS" --warmup-seconds 3 --max-loss 0.001
  --rounds "$ROUNDS" --out "$OUT/steps.tsv" --time-limit "$BUDGET")
echo "generator command: ${GEN[*]/$SECRET/<secret>}" >> "$OUT/machine.txt"
timeout $((BUDGET + 20)) "${GEN[@]}" 2>&1 | tee -a "$OUT/generator.log" | while IFS= read -r line; do
    case "$line" in RESULT*) printf '%s\t%s\n' "$line" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/results.tsv";;
    *) say "$line";; esac
  done || say "generator failed (see $OUT/generator.log)"
stop_servers
echo "uptime at end: $(uptime)" | tee -a "$OUT/machine.txt"

java -Djava.awt.headless=true -cp "$LOADGEN_JAR" io.greenmesh.loadtest.turn.LatencyPlot "$OUT/steps.tsv" \
  "$OUT/turn-latency.png" && say "plot: $OUT/turn-latency.png" || say "no plot"

# results.tsv: RESULT label offered delivered us/pkt p50 p99 serverCPU genCPU otherCPU loss loadavg(3)
echo
echo "Every round (pkts/s = highest offered rate with < 0.1 % loss; CPU in cores, averaged over that step):"
echo
echo "| Server#round | pkts/s at < 0.1 % loss | server CPU µs/pkt | p50 µs | p99 µs | server CPU | generator CPU | other processes | load avg after |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
awk -F'\t' '$3 != "none" {printf "| %s | %\047d | %.2f | %d | %d | %.2f | %.2f | %.2f | %s |\n", $2, $4, $5, $6, $7, $8, $9, $10, $12}
            $3 == "none" {printf "| %s | none passed | | | | | | | |\n", $2}' "$OUT/results.tsv"
echo
echo "Latency at the common rate $START_RATE/s (round 1):"
echo
echo "| Server | p50 µs | p99 µs | loss | server CPU µs/pkt |"
echo "|---|---:|---:|---:|---:|"
awk -F'\t' -v r="$START_RATE" '$1 ~ /#1$/ && $3 + 0 == r + 0 && !(seen[$1]++) {printf "| %s | %d | %d | %.3f %% | %.2f |\n", $1, $7, $8, $6 * 100, $11}' "$OUT/steps.tsv"
echo
echo "Best round per server:"
echo
echo "| Server | pkts/s at < 0.1 % loss | server CPU µs/pkt | p50 µs | p99 µs |"
echo "|---|---:|---:|---:|---:|"
awk -F'\t' '$3 != "none" { split($2, a, "#"); s = a[1]; if (!(s in best) || $4 + 0 > best[s] + 0) { best[s] = $4; row[s] = $0 } }
  END { n = split("greenmesh-enforce greenmesh-wildcard greenmesh-epoll greenmesh-epoll-wildcard greenmesh-off coturn bare", order, " ")
        for (i = 1; i <= n; i++) { s = order[i]; if (!(s in row)) continue; split(row[s], f, "\t")
          printf "| %s | %\047d | %.2f | %d | %d |\n", s, f[4], f[5], f[6], f[7] }
        if (best["coturn"] > 0) printf "\nGreenMesh(enforce) / coturn = %.2f (target >= 1.2)\n", best["greenmesh-enforce"] / best["coturn"]
        if (best["bare"] > 0) printf "GreenMesh(enforce) / bare forwarder = %.2f (target >= 0.7)\n", best["greenmesh-enforce"] / best["bare"]
        if (best["greenmesh-off"] > 0) printf "GreenMesh enforce / off = %.2f\n", best["greenmesh-enforce"] / best["greenmesh-off"] }' \
  "$OUT/results.tsv" | tee "$OUT/summary.txt"
say "done in $((SECONDS - START)) s; steps in $OUT/steps.tsv, logs in $OUT"
