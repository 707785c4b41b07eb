/**
 * A load generator for the signaling WebSocket (protocol v1): many sessions join rooms at a paced rate, then relay
 * timestamped {@code signal}s to each other, while the node's live heap is sampled after forced GCs.
 *
 * <p>Measurement ({@link LatencySummary}, {@link SignalPayload}, {@link PrometheusText}) is kept apart from the
 * transport ({@link LoadSession}) and from the orchestration ({@link SignalingLoadGenerator}).
 */
package io.greenmesh.loadtest.signaling;
