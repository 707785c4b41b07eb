/**
 * Gatling scenarios for the signaling WebSocket (protocol v1, docs/protocol.md), Java DSL.
 *
 * <ul>
 *   <li>{@link io.greenmesh.loadtest.gatling.JoinStormSimulation}: joins at a fixed arrival rate, rooms of 4;
 *       join latency (join → welcome).
 *   <li>{@link io.greenmesh.loadtest.gatling.NegotiationSimulation}: every pair of a room of 2, 4 or 8 runs
 *       offer / answer / trickle ICE; each relayed signal is timed at the offerer as a round trip through two relays.
 *   <li>{@link io.greenmesh.loadtest.gatling.CrossNodeSimulation}: the same with the peers of each room on
 *       different nodes of a cluster.
 *   <li>{@link io.greenmesh.loadtest.gatling.ReconnectStormSimulation}: sessions spread over a cluster; when a node
 *       is killed (from outside: gatling.sh), its sessions resume on another node; resume latency.
 *   <li>{@link io.greenmesh.loadtest.gatling.IdleSessionsSimulation}: many idle sessions held open with the
 *       client's keep-alive; none may drop.
 * </ul>
 *
 * <p>Gatling times a WebSocket exchange only on one connection (a send, then a check on the frames that arrive
 * after it), so a signal's time is measured as a round trip: the peer answers at once (see
 * {@link io.greenmesh.loadtest.gatling.Negotiation}); peers coordinate through
 * {@link io.greenmesh.loadtest.gatling.RoomBoard}, shared memory of the Gatling JVM. Parameters are system
 * properties ({@link io.greenmesh.loadtest.gatling.Params}), defaults are smoke size; assertions (p99 of join and
 * relay, failed requests) take their thresholds from system properties too, and a failed one fails the run
 * (Gatling exits with 2, {@code mvn gatling:test} fails). Reports go to {@code load-tests/target/gatling/};
 * {@link io.greenmesh.loadtest.report.GatlingSummary} turns their {@code js/stats.js} into a Markdown table.
 * {@link io.greenmesh.loadtest.gatling.GatlingSmokeIT} runs a tiny JoinStorm and Negotiation against a node started
 * from greenmesh.jar in every {@code mvn verify}; {@code load-tests/gatling.sh} runs them all at benchmark size.
 */
package io.greenmesh.loadtest.gatling;
