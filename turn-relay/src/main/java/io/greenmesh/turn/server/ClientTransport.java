package io.greenmesh.turn.server;

import java.util.Locale;

/** How a client reaches the relay; the relayed side is always UDP. */
public enum ClientTransport {
    UDP, TCP, TLS;

    /** The metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
