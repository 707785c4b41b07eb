#!/usr/bin/env bash
# Runs every test of GreenMesh: unit, integration, interop with coturn, and real headless Chromium calls.
# Installs what the tests need when it is missing (Debian packages), then runs Maven.
# Extra arguments go to Maven, e.g. ./test.sh -pl turn-relay
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-test-deps.sh
./scripts/docker/setup.sh
# A failing test is run once more and a pass on the second try is reported as a flake ("Flakes: N" in the summary),
# never hidden; a second failure fails the build. The real-browser and cluster-simulation tests share these 2 cores
# with up to five JVMs and two browsers; each flake seen so far was a finding fixed at its cause (docs/turn-relay.md,
# the relay/TCP selection; docs/operations.md, signals lost across a drain), and a new one is read the same way.
exec mvn -B -ntp -Dsurefire.rerunFailingTestsCount=1 verify "$@"
