/**
 * A PeerJS-protocol load generator that drives any PeerJS server — GreenMesh's {@code /peerjs} endpoint or the npm
 * {@code peer} server — with the identical workload, for {@code load-tests/bench-peerjs.sh}.
 *
 * <p>The pure parts — frame shaping ({@link PeerJsFrames}), ids, tokens and the message schedule ({@link Workload}),
 * result lines and the report ({@link StepResult}, {@link PeerJsReport}) — are kept apart from the transport
 * ({@link PeerJsPeer}) and the orchestration ({@link PeerJsLoadGenerator}). Pacing, latency summaries, CPU ticks and
 * free ports come from {@link io.greenmesh.loadtest.signaling}.
 */
package io.greenmesh.loadtest.peerjs;
