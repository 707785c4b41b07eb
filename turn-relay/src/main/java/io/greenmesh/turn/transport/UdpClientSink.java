package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.ClientSink;
import io.greenmesh.turn.server.ClientTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A UDP client, answered from the listener socket of the worker that heard it (NIO or epoll). */
record UdpClientSink(Listener listener, InetSocketAddress client) implements ClientSink {

    /** A worker's listener socket on the TURN port, bound to one of the relay's addresses. */
    interface Listener {

        /** The address and port the socket is bound to: where its clients sent, and where answers come from. */
        InetSocketAddress localAddress();

        /** Sends {@code buf[position, limit)} to {@code to}; false when it was dropped. */
        boolean send(ByteBuffer buf, InetSocketAddress to);
    }

    @Override
    public ClientTransport transport() {
        return ClientTransport.UDP;
    }

    @Override
    public boolean send(ByteBuffer buf, int from, int to) {
        buf.limit(to).position(from);
        return listener.send(buf, client);
    }
}
