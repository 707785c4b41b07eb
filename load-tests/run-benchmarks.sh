#!/usr/bin/env bash
# Every benchmark of docs/benchmarks.md in one run, on this machine, then the doc's "Latest full run" section rewritten
# from what they printed: the machine, the commit, the exact commands, each comparison with its ratio and target,
# the tables and the plots.
#
#   load-tests/run-benchmarks.sh                  # everything, about 30 min on 2 cores (29 min on 2026-11-25)
#   BENCH_ONLY="signaling turn" load-tests/run-benchmarks.sh   # a subset; the others keep their previous output
#   BENCH_REPORT_ONLY=1 load-tests/run-benchmarks.sh           # rewrite the doc from the last outputs, run nothing
#
# It exports HEAD (git archive; BENCH_WORKTREE=1 copies the working tree instead) to load-tests/target/benchmarks/src,
# builds it once, and runs each script there with BENCH_WORKTREE=1 BENCH_SKIP_BUILD=1, one after the other so that no
# two measurements share the CPU. Installs what is missing (coturn, the npm `peer` package; the scripts do it).
# All traffic is on 127.0.0.0/8. Each script stops itself (BENCH_LIMIT_SECONDS); this one gives up after
# BENCH_TOTAL_SECONDS (default 3600).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/load-tests/target/benchmarks
SRC=$OUT/src
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
IMG=$ROOT/docs/img
TOTAL=${BENCH_TOTAL_SECONDS:-3600}
ALL="signaling cluster peerjs handshake turn uclient capacity gatling"
ONLY=${BENCH_ONLY:-$ALL}
START=$SECONDS

say() { printf '\n[run-benchmarks %02d:%02d] %s\n' $(((SECONDS - START) / 60)) $(((SECONDS - START) % 60)) "$*"; }
left() { echo $((TOTAL - (SECONDS - START))); }
wanted() { [[ " $ONLY " == *" $1 "* ]]; }

# One benchmark script, bounded by what is left of the total, its output kept in $OUT/<name>.log.
run_step() { # name script [env...]
  local name=$1 script=$2; shift 2
  if ! wanted "$name"; then say "$name: skipped (BENCH_ONLY)"; return 0; fi
  if [ ! -x "$SRC/load-tests/$script" ]; then say "$name: $script is not in this commit; skipped"; return 0; fi
  local budget=$(( $(left) - 60 ))
  if [ "$budget" -lt 120 ]; then say "$name: only ${budget}s left of BENCH_TOTAL_SECONDS; skipped"; return 0; fi
  [ "$budget" -gt 900 ] && budget=900
  say "$name: load-tests/$script (at most ${budget}s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local began=$SECONDS
  if (cd "$SRC" && env BENCH_WORKTREE=1 BENCH_SKIP_BUILD=1 BENCH_LIMIT_SECONDS=$((budget - 30)) \
      CAPACITY_LIMIT_SECONDS=$((budget - 30)) "$@" \
      timeout "$budget" "load-tests/$script") 2>&1 | tee "$OUT/$name.log"; then
    say "$name: done in $((SECONDS - began)) s"
  else
    say "$name: FAILED after $((SECONDS - began)) s (see $OUT/$name.log); going on with the others"
  fi
}

if [ "${BENCH_REPORT_ONLY:-0}" != 1 ]; then
  mkdir -p "$OUT"
  say "exporting $( [ "${BENCH_WORKTREE:-0}" = 1 ] && echo 'the working tree' || echo "HEAD ($(git rev-parse --short HEAD))") to $SRC"
  rm -rf "$SRC" && mkdir -p "$SRC"
  if [ "${BENCH_WORKTREE:-0}" = 1 ]; then
    git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -x -C "$SRC"
  else
    git archive HEAD | tar -x -C "$SRC"
  fi
  git rev-parse HEAD > "$OUT/commit"
  { [ "${BENCH_WORKTREE:-0}" = 1 ] && ! git diff --quiet HEAD && echo "with uncommitted changes"; } > "$OUT/dirty" || true
  date -u '+%Y-%m-%d %H:%M UTC' > "$OUT/started"
  uptime > "$OUT/uptime-before"
  say "building every module once (mvn install -DskipTests: the Gatling run resolves the node and relay from ~/.m2)"
  (cd "$SRC" && { mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests; })

  run_step signaling bench-signaling.sh
  run_step cluster   bench-cluster.sh
  run_step peerjs    bench-peerjs.sh
  run_step handshake bench-handshake.sh
  run_step turn      bench-turn.sh
  run_step uclient   bench-uclient.sh
  run_step capacity  bench-capacity.sh
  run_step gatling   gatling.sh
  uptime > "$OUT/uptime-after"
  echo $((SECONDS - START)) > "$OUT/seconds"
fi

# ------------------------------------------------------------------------------------------------ the report

T=$SRC/load-tests/target
sig=$T/bench-signaling; clu=$T/bench-cluster; pjs=$T/bench-peerjs; turn=$T/bench-turn
hsk=$T/bench-handshake; ucl=$T/bench-uclient; cap=$T/bench-capacity; gat=$T/gatling-summary.md
mkdir -p "$IMG"
[ -f "$pjs/p99-vs-rate.png" ] && cp "$pjs/p99-vs-rate.png" "$IMG/latest-peerjs-p99-vs-rate.png"
[ -f "$turn/turn-latency.png" ] && cp "$turn/turn-latency.png" "$IMG/latest-turn-p99-vs-rate.png"

# cell ROWFILE PATTERN COLUMN: a column (1-based, after the leading '|') of the first table row matching PATTERN.
cell() { { [ -f "$1" ] && awk -F'|' -v p="$2" -v c="$3" '$0 ~ p { gsub(/^ +| +$/, "", $(c + 1)); print $(c + 1); exit }' "$1"; } || true; }
num() { tr -d ', ' <<<"$1"; }
verdict() { # value op target  ->  met / not met / not measured
  [ -n "$1" ] || { echo "not measured"; return; }
  awk -v v="$(num "$1")" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v + 0 <= t + 0 : v + 0 >= t + 0; print ok ? "**met**" : "**not met**" }'
}

join_p99=$(cell "$sig/latency.md" '^[|] join → welcome [|] [0-9,]+ sessions, rooms of [0-9]+ [|]' 6)
relay_p50_same=$(cell "$clu/latency.md" 'signal relay.*same-node' 4)
relay_p50_cross=$(cell "$clu/latency.md" 'signal relay.*cross-node' 4)
cross_delta=""
[ -n "$relay_p50_same" ] && [ -n "$relay_p50_cross" ] && \
  cross_delta=$(awk -v a="$relay_p50_cross" -v b="$relay_p50_same" 'BEGIN { printf "%.2f", a - b }')
# report_value FILE PREFIX: the number after "PREFIX: " in LadderReport's output (empty when absent or n/a).
report_line() { { [ -f "$1" ] && awk -v p="$2: " 'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' "$1"; } || true; }
report_value() { report_line "$1" "$2" | sed -n 's/^\([0-9][0-9.]*\).*/\1/p'; }
rate_v1=$(report_value "$pjs/report.md" 'Rate ratio GreenMesh /v1/ws / PeerJS')
rate_pj=$(report_value "$pjs/report.md" 'Rate ratio GreenMesh /peerjs / PeerJS')
cpu_v1=$(report_value "$pjs/report.md" 'CPU ratio GreenMesh /v1/ws / PeerJS')
cpu_pj=$(report_value "$pjs/report.md" 'CPU ratio GreenMesh /peerjs / PeerJS')
gen_line=$(report_line "$pjs/report.md" 'Generator CPU')
peerjs_ratio=$rate_v1
peerjs_line=$( [ -n "$rate_v1" ] && echo "GreenMesh /v1/ws / PeerJS: $rate_v1×" || true)
# Lost or out-of-order messages in any relay step (columns 5 and 6 of the per-server tables).
relay_faults=$( { [ -f "$pjs/report.md" ] && awk -F'|' '/^[|] [0-9,]+ [|]/ && NF >= 15 { l += $5; o += $6; n++ }
  END { if (n) print l + 0 " lost, " o + 0 " out of order in " n " steps" }' "$pjs/report.md"; } || true)
hs_rate=$(cell "$hsk/report.md" '^[|] GreenMesh /v1/ws [|] [0-9,]+ [|]' 2)
hs_p99=$(cell "$hsk/report.md" '^[|] GreenMesh /v1/ws [|] [0-9,]+ [|]' 3)
[[ $hs_p99 =~ ^[0-9.]+$ ]] || hs_p99=""
turn_coturn=$( [ -f "$turn/summary.txt" ] && sed -n 's/^GreenMesh(enforce) \/ coturn = \([0-9.]*\).*/\1/p' "$turn/summary.txt" || true)
turn_bare=$( [ -f "$turn/summary.txt" ] && sed -n 's/^GreenMesh(enforce) \/ bare forwarder = \([0-9.]*\).*/\1/p' "$turn/summary.txt" || true)
# The sessions row of capacity.md: heap per idle session (column 5) and the verdict (last column).
cap_line=$( { [ -f "$cap/capacity.md" ] && awk -F'|' '/^[|] [0-9]+ [|] [0-9?]+ [|]/ && NF >= 10 {
  gsub(/^ +| +$/, "", $6); gsub(/^ +| +$/, "", $(NF - 1)); print $6 " per session; " $(NF - 1); exit }' "$cap/capacity.md"; } || true)

cap_bytes=$(sed -n 's/^\([0-9]*\) B per session.*/\1/p' <<<"$cap_line")

section=$OUT/section.md
{
  echo '<!-- run-benchmarks:begin — generated by load-tests/run-benchmarks.sh; edits between these markers are overwritten -->'
  echo '## Latest full run'
  echo
  echo "Commit **$(cut -c1-7 "$OUT/commit" 2>/dev/null || echo '?')**$( [ -s "$OUT/dirty" ] && echo " $(cat "$OUT/dirty")"),"
  echo "started $(cat "$OUT/started" 2>/dev/null || echo '?'), $(( $(cat "$OUT/seconds" 2>/dev/null || echo 0) / 60 )) min in all."
  echo "Command: \`load-tests/run-benchmarks.sh\`. Every script's own command line is in its log under"
  echo '`load-tests/target/benchmarks/` and in the sections further down.'
  echo
  echo '| Machine | |'
  echo '|---|---|'
  echo "| CPU | $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1) |"
  echo "| RAM | $(free -g | awk '/^Mem:/ {print $2}') GiB |"
  echo "| Kernel | $(uname -r) |"
  echo "| JDK | $(java -version 2>&1 | head -n 1) |"
  echo "| Node.js | $(node --version 2>/dev/null || echo 'not installed') |"
  echo "| coturn | $(dpkg-query -W -f '${Version}' coturn 2>/dev/null || echo 'not installed') |"
  echo "| Load before / after | $(sed 's/.*load average: //' "$OUT/uptime-before" 2>/dev/null) / $(sed 's/.*load average: //' "$OUT/uptime-after" 2>/dev/null) |"
  echo
  echo '### Targets (issue 7)'
  echo
  echo '| Target | Measured in this run | Verdict |'
  echo '|---|---|---|'
  echo "| Join p99 ≤ 20 ms at 500 joins/s, one node | ${join_p99:-—} ms | $(verdict "$join_p99" '<=' 20) |"
  echo "| Cross-node relay adds ≤ 1 ms at p50 | ${cross_delta:-—} ms ($relay_p50_cross cross − $relay_p50_same same) | $(verdict "$cross_delta" '<=' 1) |"
  echo "| Signaling relay msg/s at p99 ≤ 10 ms ≥ 2× PeerJS server | ${peerjs_line:-—} | $( [ -n "$peerjs_line" ] && [ -z "$peerjs_ratio" ] && echo '**not shown**' || verdict "$peerjs_ratio" '>=' 2) |"
  echo "| Relay pkts/s at < 0.1 % loss ≥ 1.2× coturn (enforce on) | ${turn_coturn:-—}× | $(verdict "$turn_coturn" '>=' 1.2) |"
  echo "| Relay pkts/s ≥ 0.7× the bare UDP forwarder | ${turn_bare:-—}× | $(verdict "$turn_bare" '>=' 0.7) |"
  echo "| 100,000 idle sessions in ≤ 4 GiB heap | ${cap_line:-—} | $( [ -n "$cap_line" ] && echo "**${cap_line##*; }**" | sed 's/:.*\*\*$/**/' || echo 'not measured') |"
  echo
  echo '### Targets (issue 14)'
  echo
  echo '| Target | Measured in this run | Verdict |'
  echo '|---|---|---|'
  echo "| Server CPU per relayed message ≤ 0.5× PeerJS server's, \`/v1/ws\` | ${cpu_v1:-—}× (worst of the rates both ran) | $(verdict "$cpu_v1" '<=' 0.5) |"
  echo "| Server CPU per relayed message ≤ 0.5× PeerJS server's, \`/peerjs\` | ${cpu_pj:-—}× | $(verdict "$cpu_pj" '<=' 0.5) |"
  echo "| msg/s at p99 ≤ 10 ms ≥ 2× PeerJS server's, \`/v1/ws\` | ${rate_v1:-—}× | $(verdict "$rate_v1" '>=' 2) |"
  echo "| msg/s at p99 ≤ 10 ms ≥ 2× PeerJS server's, \`/peerjs\` | ${rate_pj:-—}× | $(verdict "$rate_pj" '>=' 2) |"
  echo "| The generator is not the limit (its CPU beside the servers') | ${gen_line:-—} | see the tables below |"
  echo "| WebSocket handshakes ≥ 5,000/s sustained | ${hs_rate:-—}/s | $(verdict "$hs_rate" '>=' 5000) |"
  echo "| Handshake p99 ≤ 50 ms at 2,000/s offered | ${hs_p99:-—} ms | $(verdict "$hs_p99" '<=' 50) |"
  echo "| Heap per idle session ≤ 10 KB (100,000 in ≤ 1 GiB) | ${cap_bytes:-—} B | $(verdict "$cap_bytes" '<=' 10240) |"
  echo "| Join p99 ≤ 20 ms at 500 joins/s (still holds) | ${join_p99:-—} ms | $(verdict "$join_p99" '<=' 20) |"
  echo "| Cross-node overhead ≤ 1 ms at p50 (still holds) | ${cross_delta:-—} ms | $(verdict "$cross_delta" '<=' 1) |"
  echo "| No loss, order per sender→receiver (relay benchmark) | ${relay_faults:-—} | $( [ -z "$relay_faults" ] && echo 'not measured' || { [[ $relay_faults == "0 lost, 0 out of order"* ]] && echo '**met**' || echo '**not met**'; }) |"
  echo
  echo 'Ratios on a 2-core machine shared by the load generator and the server are noisy; the sections below say'
  echo 'what limits each figure and how it was measured.'
  echo
  echo '### Signaling, single node (`bench-signaling.sh`)'
  echo
  if [ -f "$sig/latency.md" ]; then
    echo '| Phase | Scenario | Offered | p50 ms | p90 ms | p99 ms | max ms | Achieved | Errors |'
    echo '|---|---|---|---:|---:|---:|---:|---|---:|'
    cat "$sig/latency.md"
    echo
    echo '| Idle sessions | Live heap, 0 sessions | Live heap, N sessions | Heap per idle session |'
    echo '|---:|---:|---:|---:|'
    cat "$sig/heap.md" 2>/dev/null
  else echo 'Not run.'; fi
  echo
  echo '### Cluster, two nodes (`bench-cluster.sh`)'
  echo
  if [ -f "$clu/latency.md" ]; then
    echo '| Phase | Scenario | Offered | p50 ms | p90 ms | p99 ms | max ms | Achieved | Errors |'
    echo '|---|---|---|---:|---:|---:|---:|---|---:|'
    cat "$clu/latency.md"
  else echo 'Not run.'; fi
  echo
  echo '### GreenMesh vs PeerJS server (`bench-peerjs.sh`)'
  echo
  if [ -f "$pjs/report.md" ]; then
    grep -v '^Plot: ' "$pjs/report.md"
  else echo 'Not run.'; fi
  echo
  echo '### WebSocket handshakes (`bench-handshake.sh`)'
  echo
  if [ -f "$hsk/report.md" ]; then cat "$hsk/report.md"; else echo 'Not run.'; fi
  echo
  echo '### TURN relay vs coturn vs a bare forwarder (`bench-turn.sh`)'
  echo
  if [ -f "$turn/summary.txt" ]; then
    echo '| Server | pkts/s at < 0.1 % loss | server CPU µs/pkt | p50 µs | p99 µs |'
    echo '|---|---:|---:|---:|---:|'
    cat "$turn/summary.txt"
    echo
    echo '![p99 one-way latency against offered rate](img/latest-turn-p99-vs-rate.png)'
  else echo 'Not run.'; fi
  echo
  echo "### coturn's own client against both relays (\`bench-uclient.sh\`)"
  echo
  if [ -f "$ucl/report.md" ]; then cat "$ucl/report.md"; else echo 'Not run.'; fi
  echo
  echo '### Capacity: idle sessions and allocations (`bench-capacity.sh`)'
  echo
  if [ -f "$cap/capacity.md" ]; then cat "$cap/capacity.md"; else echo 'Not run.'; fi
  echo
  echo '### Gatling scenarios (`gatling.sh`)'
  echo
  if [ -f "$gat" ]; then cat "$gat"; echo; echo 'HTML reports: `load-tests/target/benchmarks/src/load-tests/target/gatling/`.'; else echo 'Not run.'; fi
  echo
  echo '<!-- run-benchmarks:end -->'
} > "$section"

# Replace the generated section of the doc (or put it after the introduction the first time).
if grep -q '<!-- run-benchmarks:begin' "$DOC"; then
  awk -v f="$section" '/<!-- run-benchmarks:begin/ { while ((getline l < f) > 0) print l; skip = 1; next }
                       /<!-- run-benchmarks:end -->/ { skip = 0; next } !skip' "$DOC" > "$DOC.new"
else
  awk -v f="$section" '!done && /^## / { while ((getline l < f) > 0) print l; print ""; done = 1 } { print }' "$DOC" > "$DOC.new"
fi
mv "$DOC.new" "$DOC"
say "docs/benchmarks.md rewritten (section 'Latest full run'); plots in docs/img/latest-*.png; logs in $OUT"
