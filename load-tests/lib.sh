# Shell functions the benchmark scripts of load-tests/ share. Source it after defining say() (the caller's log line):
#   . "$(dirname "$0")/lib.sh"
# Processes are only ever stopped by their PID; everything listens on 127.0.0.1.

# stop_pid PID NOUN: SIGTERM, then up to 15 s for it to exit, then SIGKILL; reaps it when it is this shell's child.
stop_pid() {
  local pid=$1 noun=$2
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$noun $pid ignored SIGTERM for 15 s; SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  say "$noun $pid stopped"
}

# stop_pids NOUN PID...: stop_pid for each, in turn.
stop_pids() {
  local noun=$1 pid; shift
  for pid in "$@"; do stop_pid "$pid" "$noun"; done
}

# await_http NAME URL LOG PID: returns once URL answers 2xx; exits the script, with the end of LOG, when PID exits
# first or after 60 s.
await_http() {
  local name=$1 url=$2 log=$3 pid=$4
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited during start-up; its log:"; tail -n 40 "$log"; exit 1
    fi
    if curl -sf --max-time 2 "$url" >/dev/null; then say "$name ready"; return 0; fi
    sleep 0.5
  done
  say "$name not ready after 60 s; its log:"; tail -n 40 "$log"; exit 1
}

# free_ports N: N loopback TCP ports free right now, on one line (needs LOADGEN_JAR, the built greenmesh-loadgen.jar).
free_ports() {
  java -cp "$LOADGEN_JAR" io.greenmesh.loadtest.signaling.FreePorts "$1" | paste -sd' '
}

# build_measured_tree: unless BENCH_SKIP_BUILD=1, exports git revision REF to SRC (unless SRC is ROOT: the working tree
# measured as it is) and builds signaling-cluster and load-tests there, offline if it can; then makes sure NODE_JAR and
# LOADGEN_JAR exist.
build_measured_tree() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    if [ "$SRC" != "$ROOT" ]; then
      say "exporting $REF ($(git rev-parse --short "$REF")) to $SRC"
      rm -rf "$SRC" && mkdir -p "$SRC"
      git archive "$REF" | tar -x -C "$SRC"
    fi
    say "building signaling-cluster and load-tests in $SRC"
    (cd "$SRC" && { mvn -B -q -o package -DskipTests -pl signaling-cluster,load-tests -am \
      || mvn -B -q package -DskipTests -pl signaling-cluster,load-tests -am; })
  fi
  local jar
  for jar in "$NODE_JAR" "$LOADGEN_JAR"; do
    [ -f "$jar" ] || { say "missing $jar (run without BENCH_SKIP_BUILD=1 first)"; exit 1; }
  done
}
