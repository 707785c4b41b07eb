package io.greenmesh.turn.server;

import java.io.IOException;
import java.nio.channels.DatagramChannel;

/** How the control plane gets relay sockets without knowing the transport threads. */
public interface RelaySockets {

    /** Opens a UDP socket on a free relay port (an even one if asked); null when the range is exhausted. */
    DatagramChannel open(boolean evenPort) throws IOException;

    /** Starts delivering the allocation's peer packets to its client. */
    void activate(Allocation allocation);
}
