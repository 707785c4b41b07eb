package io.greenmesh.turn.server;

import java.io.IOException;

/** How the control plane gets relay sockets without knowing the transport threads. */
public interface RelaySockets {

    /** Opens a UDP socket on a free relay port (an even one if asked); null when the range is exhausted. */
    RelaySocket open(boolean evenPort) throws IOException;

    /**
     * Opens an even relay port and the odd port above it (RFC 8656 §7.2, EVEN-PORT with R=1), as
     * {@code [even, odd]}; null when no such pair is free.
     */
    RelaySocket[] openEvenPair() throws IOException;

    /** Starts delivering the allocation's peer packets to its client. */
    void activate(Allocation allocation);
}
