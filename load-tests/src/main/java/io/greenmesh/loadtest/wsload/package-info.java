/**
 * A Netty WebSocket load generator for the signaling relay and the WebSocket handshake, cheaper per message than the
 * servers it measures: frames are encoded once per sender and only their stamp is patched per message, each event
 * loop paces its own senders open-loop, and a receiver finds the stamp without parsing JSON. It speaks GreenMesh's
 * {@code /v1/ws} protocol and the PeerJS protocol ({@link io.greenmesh.loadtest.wsload.WsProtocol}).
 */
package io.greenmesh.loadtest.wsload;
