#!/usr/bin/env bash
# Makes a Docker engine answer on this machine, for the image and cluster tests. Idempotent:
#   - installs docker.io from Debian when dockerd is missing;
#   - starts dockerd without a bridge network (--bridge=none --iptables=false --ip-masq=false), so that every
#     container runs with --network host and all traffic stays on loopback; detached with setsid, logging to
#     $GREENMESH_DOCKERD_LOG (default /var/log/greenmesh-dockerd.log);
#   - waits (bounded) until `docker info` answers.
# Exits non-zero when the engine cannot be brought up: tests that need it then fail rather than skip.
set -euo pipefail

log=${GREENMESH_DOCKERD_LOG:-/var/log/greenmesh-dockerd.log}
wait_seconds=${GREENMESH_DOCKERD_WAIT_SECONDS:-60}

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  echo "Installing docker.io"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "Starting dockerd without a bridge (log: $log)"
  $SUDO setsid dockerd --bridge=none --iptables=false --ip-masq=false >>"$log" 2>&1 </dev/null &
fi

for ((i = 0; i < wait_seconds; i++)); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within ${wait_seconds}s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
