#!/usr/bin/env bash
# Fuzzes GreenMesh's decoders with Jazzer (coverage-guided), one bounded campaign per target, and keeps what it
# finds: a crashing input lands in the test's *Inputs resource directory and from then on replays in every build.
#   scripts/fuzz.sh                        # 10 million executions per target, at most 25 min each
#   FUZZ_RUNS=1000000 FUZZ_MAX=5m scripts/fuzz.sh
# Runs at nice 19 (the machine is shared) and never installs into ~/.m2. Prints a summary line per target.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${FUZZ_RUNS:-10000000}
MAX=${FUZZ_MAX:-25m}
LOGS=target/fuzz
mkdir -p "$LOGS"
run() { # module test
  local log="$LOGS/$2.log"
  echo "== fuzzing $2: up to $RUNS executions or $MAX (log: $log)"
  # The fuzz test runs in its own surefire execution (fuzz-regression): only that one is asked for here.
  if ! JAZZER_FUZZ=1 nice -n 19 mvn -B -ntp -pl "$1" -am test-compile surefire:test@fuzz-regression \
      -Dtest="$2" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_executions="$RUNS" -Djazzer.max_duration="$MAX" >"$log" 2>&1; then
    grep -E 'ERROR|Exception|crash-' "$log" | head -20
    echo "FINDING in $2: see $log; the reproducer is in its *Inputs directory" >&2
    exit 1
  fi
  # libFuzzer's last status line: executions, edges covered (cov), features (ft), corpus size
  echo "   $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  echo "   $(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
}
run signaling-cluster ProtocolCodecFuzzTest
run signaling-cluster PeerJsCodecFuzzTest
run turn-relay StunDecoderJazzerTest
echo "no findings"
