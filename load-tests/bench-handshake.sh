#!/usr/bin/env bash
# WebSocket handshakes, issue 14's targets (>= 5,000/s sustained; p99 <= 50 ms at 2,000/s offered): the Netty
# HandshakeBenchmark (io.greenmesh.loadtest.wsload) against a GreenMesh node's /v1/ws and, for reference, the PeerJS
# server, each up a ladder of offered handshakes/s (BENCH_RATES, default 1000..16000*2, BENCH_STEP_SECONDS each) until
# a step has an error or a p99 over 50 ms. Connections come from 127.0.0.2 … 127.0.0.17 so that no source address
# runs out of ephemeral ports, and each is closed (close frame, then FIN) once its 101 arrived. It is bench-peerjs.sh
# with BENCH_KIND=handshake: the same servers, build, lock and bounds. Report: load-tests/target/bench-handshake/.
#
#   load-tests/bench-handshake.sh
#   BENCH_RATES=500,1000 BENCH_STEP_SECONDS=5 BENCH_SKIP_BUILD=1 load-tests/bench-handshake.sh   # a quick look
exec env BENCH_KIND=handshake "$(dirname "$0")/bench-peerjs.sh" "$@"
