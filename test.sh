#!/usr/bin/env bash
# Runs every test of GreenMesh: unit, integration, interop with coturn, and real headless Chromium calls.
# Installs what the tests need when it is missing (Debian packages), then runs Maven.
# Extra arguments go to Maven, e.g. ./test.sh -pl turn-relay
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-test-deps.sh
./scripts/docker/setup.sh
exec mvn -B -ntp verify "$@"
