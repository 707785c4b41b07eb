package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.ClientSink;
import io.greenmesh.turn.server.ClientTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A UDP client, answered from the listener socket of the worker that heard it. */
record UdpClientSink(UdpWorker worker, DatagramChannel listener, InetSocketAddress client) implements ClientSink {

    @Override
    public ClientTransport transport() {
        return ClientTransport.UDP;
    }

    @Override
    public boolean send(ByteBuffer buf, int from, int to) {
        try {
            buf.limit(to).position(from);
            listener.send(buf, client);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
