#!/usr/bin/env bash
# Call setup, side by side: page open -> connected, relay only (the demo's ?relay=1), through GreenMesh's embedded
# relay and through coturn, in the same run, for a 2-tab call and a 6-tab mesh room, all tabs from one address.
# docs/benchmarks.md ("Call setup") quotes it.
#
#   load-tests/bench-call-setup.sh               # builds the working tree, BENCH_REPS (8) repetitions, <= 10 min
#   BENCH_SKIP_BUILD=1 / BENCH_REPS=N / BENCH_LIMIT_SECONDS=S (the driver starts no room after it) /
#   BENCH_LOCK (the machine-wide benchmark lock, /tmp/greenmesh-bench.lock)
#
# Both servers are bound as a user binds them: GreenMesh on its defaults (relay on the wildcard address, its UDP and
# TCP URLs on GREENMESH_PUBLIC_HOST), coturn with --listening-ip/--relay-ip on the address, both URLs (udp, tcp)
# handed out by a second GreenMesh node with the embedded relay off. One headless Chromium (puppeteer-core, from npm
# into load-tests/target/npm-puppeteer) runs in a network namespace of this script's own, gm-browsers-bench-<pid>,
# whose only way out is a veth pair in 198.19.254.0/24 (the benchmarking range); the servers listen on the root end.
# Per repetition each case opens a fresh browser context with its tabs at once, the two servers alternating which
# goes first; a tab's sample is the time from its page.goto to a connected, selected pair towards every other tab.
# Prints p50/p99 per case and the share of pairs relayed over UDP, and writes them to $OUT/call-setup.md.
# Every process is started by this script and stopped by its PID; the namespace is deleted on exit. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-8}
LIMIT=${BENCH_LIMIT_SECONDS:-480}
OUT=${BENCH_OUT:-$ROOT/load-tests/target/bench-call-setup}
NPM_PREFIX=$ROOT/load-tests/target/npm-puppeteer
PUPPETEER_VERSION=24.43.1   # the last puppeteer-core for Node.js below 22 (Debian bookworm ships 18)
NODE_JAR=$ROOT/signaling-cluster/target/greenmesh.jar
SECRET=bench-call-setup-$$-$RANDOM
NS=gm-browsers-bench-$$
HOST_LINK=gmbb$((($$ % 100000)))h
NS_LINK=gmbb$((($$ % 100000)))n
LOCK=${BENCH_LOCK:-/tmp/greenmesh-bench.lock}
START=$SECONDS
PIDS=()

say() { printf '[bench-call-setup %4ds] %s\n' "$((SECONDS - START))" "$*"; }
. "$ROOT/load-tests/lib.sh"

cleanup() {
  ((${#PIDS[@]})) && stop_pids server "${PIDS[@]}"
  ip netns delete "$NS" 2>/dev/null || true
  ip link delete "$HOST_LINK" 2>/dev/null || true
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

[ "$(id -u)" = 0 ] || { say "needs root (a network namespace for the browser)"; exit 1; }
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v turnserver >/dev/null || missing+=(coturn)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  say "installing ${missing[*]} (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mkdir -p "$OUT" "$NPM_PREFIX"
if ! grep -qs "\"version\": \"$PUPPETEER_VERSION\"" "$NPM_PREFIX/node_modules/puppeteer-core/package.json"; then
  say "installing puppeteer-core@$PUPPETEER_VERSION into $NPM_PREFIX"
  timeout 180 npm install --prefix "$NPM_PREFIX" --no-audit --no-fund --no-package-lock \
    "puppeteer-core@$PUPPETEER_VERSION" >"$OUT/npm-install.log" 2>&1 \
    || { say "npm install failed:"; tail -n 20 "$OUT/npm-install.log"; exit 1; }
fi
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building signaling-cluster (working tree)"
  mvn -B -ntp -q -o package -DskipTests -pl signaling-cluster -am || mvn -B -ntp -q package -DskipTests -pl signaling-cluster -am
fi
[ -f "$NODE_JAR" ] || { say "missing $NODE_JAR"; exit 1; }

# The machine-wide benchmark lock the other benchmarks of this repository take: one benchmark at a time.
exec 9>"$LOCK"
say "waiting for the benchmark lock $LOCK (at most 600 s)"
flock -w 600 9 || { say "the benchmark lock stayed taken for 600 s"; exit 1; }

# A free /30 of 198.19.254.0/24: root end .1 (servers), namespace end .2 (the browser).
in_use=$(ip -4 -o addr show)
for block in $(seq 0 4 252); do
  grep -q " 198\.19\.254\.$((block + 1))/" <<<"$in_use" || break
done
HOST_IP=198.19.254.$((block + 1))
NS_IP=198.19.254.$((block + 2))
ip netns add "$NS"
ip link add "$HOST_LINK" type veth peer name "$NS_LINK" netns "$NS"
echo 1 >"/proc/sys/net/ipv6/conf/$HOST_LINK/disable_ipv6"
ip netns exec "$NS" sh -c "echo 1 > /proc/sys/net/ipv6/conf/$NS_LINK/disable_ipv6"
ip addr add "$HOST_IP/30" dev "$HOST_LINK" && ip link set "$HOST_LINK" up
ip -n "$NS" addr add "$NS_IP/30" dev "$NS_LINK"
ip -n "$NS" link set lo up && ip -n "$NS" link set "$NS_LINK" up
say "namespace $NS: browser on $NS_IP, servers on $HOST_IP"

# Ports on the root end only (the relays' wildcard bind also takes them on the other addresses: pick unusual ones).
GM_HTTP=18080 CT_HTTP=18081 GM_TURN=$((34000 + RANDOM % 1000)) CT_TURN=$((36000 + RANDOM % 1000))
node_env() {  # the settings both nodes share: everything on the root end of the veth
  echo GREENMESH_HTTP_HOST="$HOST_IP" GREENMESH_PUBLIC_HOST="$HOST_IP" GREENMESH_CLUSTER_HOST="$HOST_IP" \
    GREENMESH_TURN_SECRET="$SECRET" GREENMESH_LOG_LEVEL=WARNING
}
env $(node_env) GREENMESH_HTTP_PORT=$GM_HTTP GREENMESH_MANAGEMENT_PORT=17626 GREENMESH_CLUSTER_PORT=25620 \
  GREENMESH_TURN_PORT=$GM_TURN java -Xms256m -XX:+UseG1GC -jar "$NODE_JAR" >"$OUT/greenmesh.log" 2>&1 &
PIDS+=($!); GM_PID=$!
env $(node_env) GREENMESH_HTTP_PORT=$CT_HTTP GREENMESH_MANAGEMENT_PORT=17627 GREENMESH_CLUSTER_PORT=25621 \
  GREENMESH_TURN_ENABLED=false \
  GREENMESH_TURN_URLS="turn:$HOST_IP:$CT_TURN?transport=udp,turn:$HOST_IP:$CT_TURN?transport=tcp" \
  java -Xms256m -XX:+UseG1GC -jar "$NODE_JAR" >"$OUT/greenmesh-for-coturn.log" 2>&1 &
PIDS+=($!); CT_NODE_PID=$!
turnserver -n --listening-ip="$HOST_IP" --relay-ip="$HOST_IP" --listening-port=$CT_TURN \
  --min-port=$((CT_TURN + 1)) --max-port=$((CT_TURN + 400)) --use-auth-secret --static-auth-secret="$SECRET" \
  --realm=greenmesh.bench --no-cli --no-tls --no-dtls --no-rfc5780 --no-multicast-peers \
  --userdb="$OUT/turndb" --pidfile="$OUT/turnserver.pid" --log-file="$OUT/turnserver.log" --simple-log \
  --no-stdout-log >"$OUT/coturn.out" 2>&1 &
PIDS+=($!)
await_http greenmesh "http://$HOST_IP:$GM_HTTP/ready" "$OUT/greenmesh.log" $GM_PID
await_http greenmesh-for-coturn "http://$HOST_IP:$CT_HTTP/ready" "$OUT/greenmesh-for-coturn.log" $CT_NODE_PID

# A tiny looping camera (160x120, 10 fps, 20 frames): 6 tabs on 2 cores.
python3 - "$OUT/tiny.y4m" <<'PY'
import sys
w, h = 160, 120
with open(sys.argv[1], 'wb') as f:
    f.write(b'YUV4MPEG2 W160 H120 F10:1 Ip A1:1 C420jpeg\n')
    for n in range(20):
        bar = n * w // 20
        f.write(b'FRAME\n')
        f.write(bytes(235 if abs(x - bar) < 8 else 16 + y for y in range(h) for x in range(w)))
        f.write(bytes([128]) * (w * h // 2))
PY

cases=$(printf '[{"name":"greenmesh","base":"http://%s:%d","tabs":2},{"name":"coturn","base":"http://%s:%d","tabs":2},{"name":"greenmesh","base":"http://%s:%d","tabs":6},{"name":"coturn","base":"http://%s:%d","tabs":6}]' \
  "$HOST_IP" $GM_HTTP "$HOST_IP" $CT_HTTP "$HOST_IP" $GM_HTTP "$HOST_IP" $CT_HTTP)
say "driving Chromium: $REPS repetitions, at most ${LIMIT}s"
timeout $((LIMIT + 300)) ip netns exec "$NS" env NODE_PATH="$NPM_PREFIX/node_modules" \
  node "$ROOT/load-tests/call-setup/call-setup.js" "$cases" "$REPS" "$LIMIT" "$OUT/tiny.y4m" \
  >"$OUT/samples.tsv" 2>"$OUT/driver.log" || { say "driver failed:"; tail -n 20 "$OUT/driver.log"; exit 1; }

# p50/p99 (nearest rank) per case over the tabs that connected; -1 samples (not every peer within 90 s) are counted
# as failed instead.
{
  echo "| relay | tabs | rooms | samples | p50 (ms) | p99 (ms) | max (ms) | failed | pairs relayed over UDP |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in "greenmesh 2" "coturn 2" "greenmesh 6" "coturn 6"; do
    set -- $c
    awk -F'\t' -v n="$1" -v t="$2" '$1 == n && $2 == t' "$OUT/samples.tsv" | sort -t$'\t' -k5,5n | awk -F'\t' '
      function rank(k, p,   r) { r = int(k * p); if (r < k * p) r++; return r < 1 ? 1 : r }  # nearest rank
      { rooms[$3] = 1; if ($5 < 0) { failed++; next } ms[++k] = $5
        m = split($6, p, ","); for (i = 1; i <= m; i++) { pairs++; if (p[i] == "relay/udp") udp++ } }
      END { name = "'"$1"'"; tabs = "'"$2"'"; r = 0; for (x in rooms) r++
        if (k == 0) { printf "| %s | %s | %d | 0 | - | - | - | %d | - |\n", name, tabs, r, failed; exit }
        p50 = ms[rank(k, 0.50)]; p99 = ms[rank(k, 0.99)]
        printf "| %s | %s | %d | %d | %d | %d | %d | %d | %d/%d |\n", name, tabs, r, k, p50, p99, ms[k], failed, udp, pairs }'
  done
} >"$OUT/call-setup.md"
say "results ($(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)):"
cat "$OUT/call-setup.md"
