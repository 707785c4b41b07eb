package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.RelaySocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A relay socket on the JDK's DatagramChannel, read by the {@link UdpWorker} that owns the allocation's client. */
record NioRelaySocket(DatagramChannel channel) implements RelaySocket {

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void send(ByteBuffer buf, InetSocketAddress peer) throws IOException {
        channel.send(buf, peer);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
