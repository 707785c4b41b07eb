package io.greenmesh.turn.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An allocation's relayed UDP socket, whichever transport (JDK NIO or Netty epoll) reads and writes it: the
 * control plane needs its port and to close it, the data path sends peer-bound payloads through it.
 */
public interface RelaySocket {

    InetSocketAddress localAddress() throws IOException;

    /** Sends {@code buf[position, limit)} to {@code peer}; the buffer's position may change. */
    void send(ByteBuffer buf, InetSocketAddress peer) throws IOException;

    void close() throws IOException;
}
