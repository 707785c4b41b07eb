#!/usr/bin/env bash
# Prepares this machine for the helm module's tests (run by ./test.sh before Maven). Idempotent:
#   prometheus (Debian) for promtool and the dashboard-against-real-data test (the binary is started by the test
#   with its own config and data directory, never as the system service);
#   a Docker engine without a bridge (ensure-dockerd.sh) and the offline JRE base image (build-base-image.sh).
# Fails when any of it cannot be set up, so that CI reports it instead of skipping the tests that need it.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
  fi
  echo "Installing prometheus (promtool)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

./ensure-dockerd.sh
./build-base-image.sh
