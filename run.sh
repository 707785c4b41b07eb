#!/usr/bin/env bash
# Builds GreenMesh (if needed) and starts the single-node backbone on defaults:
#   signaling + demo app on http://localhost:8080, embedded TURN relay on 3478 (UDP/TCP), metrics on /metrics.
# Environment overrides: see docs/configuration.md (GREENMESH_HTTP_PORT, GREENMESH_TURN_PORT, ...).
set -euo pipefail
cd "$(dirname "$0")"

jar=signaling-cluster/target/greenmesh.jar
if [[ ! -f $jar || -n $(find pom.xml */pom.xml */src -newer "$jar" -print -quit 2>/dev/null) ]]; then
  echo "Building GreenMesh (first time takes a few minutes)..."
  mvn -B -ntp -q install -DskipTests
fi
exec java ${GREENMESH_JAVA_OPTS:--XX:+UseG1GC -Xms256m} -jar "$jar" "$@"
