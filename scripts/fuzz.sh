#!/usr/bin/env bash
# Fuzzes GreenMesh's decoders with Jazzer (coverage-guided), each for a bounded time, and keeps what it finds:
# a crashing input lands in the test's resources directory and from then on replays in every ./test.sh run.
#   scripts/fuzz.sh            # 60 s per target
#   FUZZ_SECONDS=600 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
mvn -B -q install -DskipTests
run() { # module test
  echo "== fuzzing $2 for ${SECONDS_PER_TARGET}s"
  JAZZER_FUZZ=1 mvn -B -q -pl "$1" test -Dtest="$2" -Djazzer.max_duration="${SECONDS_PER_TARGET}s" \
    -Dsurefire.failIfNoSpecifiedTests=false
}
run signaling-cluster ProtocolCodecFuzzTest
run signaling-cluster PeerJsCodecFuzzTest
run turn-relay StunDecoderJazzerTest
echo "no findings"
