/**
 * A multi-threaded UDP TURN load generator and its side-by-side bench ({@code load-tests/bench-turn.sh}): many
 * allocations with REST API credentials, ChannelData with DTLS-shaped payloads ({@link
 * io.greenmesh.loadtest.turn.DtlsPayload}) at stepped offered rates ({@link io.greenmesh.loadtest.turn.RateSteps}),
 * a peer sink that counts loss and one-way latency ({@link io.greenmesh.loadtest.turn.PeerSink}), and a bare UDP
 * forwarder as the machine's ceiling ({@link io.greenmesh.loadtest.turn.BareForwarder}). STUN/TURN is encoded with
 * the relay's own codec ({@link io.greenmesh.loadtest.turn.TurnClientSession}).
 */
package io.greenmesh.loadtest.turn;
