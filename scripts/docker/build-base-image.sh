#!/usr/bin/env bash
# Builds the offline JRE base image greenmesh/jre-base:17 (Debian bookworm + openjdk-17-jre-headless) with
# mmdebstrap and `docker import`, for machines that reach no container registry. The project's Dockerfiles build
# FROM it with --build-arg BASE_IMAGE=greenmesh/jre-base:17; users build on the public default instead.
# Idempotent: does nothing when the image exists. Needs a running engine (ensure-dockerd.sh).
set -euo pipefail

image=${GREENMESH_BASE_IMAGE:-greenmesh/jre-base:17}

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "Installing mmdebstrap"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Building $image with mmdebstrap (about half a minute)"
$SUDO mmdebstrap --quiet --variant=apt --include=openjdk-17-jre-headless,ca-certificates \
  bookworm "$work/base.tar"
docker import \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'ENV LANG=C.UTF-8' \
  "$work/base.tar" "$image" >/dev/null
echo "Built $image"
