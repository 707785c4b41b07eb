package io.greenmesh.turn.server;

import java.net.InetSocketAddress;

/** The client's 5-tuple as RFC 8656 §2 uses it to name an allocation. */
public record FiveTuple(ClientTransport transport, InetSocketAddress client, InetSocketAddress server) {
}
