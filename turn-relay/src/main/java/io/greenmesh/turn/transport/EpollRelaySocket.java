package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.RelaySocket;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A relay socket on an epoll channel, registered with the event loop of the worker that owns its client. */
final class EpollRelaySocket implements RelaySocket {

    private final EpollDatagramChannel channel;
    private final EpollUdpWorker worker;
    /** Set once, before reading starts; read on the channel's event loop. */
    private volatile Allocation allocation;

    EpollRelaySocket(EpollDatagramChannel channel, EpollUdpWorker worker) {
        this.channel = channel;
        this.worker = worker;
    }

    Allocation allocation() {
        return allocation;
    }

    /** Starts reading: peer packets now have an allocation to go to. */
    void activate(Allocation allocation) {
        this.allocation = allocation;
        channel.config().setAutoRead(true);
    }

    @Override
    public InetSocketAddress localAddress() {
        return channel.localAddress();
    }

    @Override
    public void send(ByteBuffer buf, InetSocketAddress peer) throws IOException {
        if (!worker.send(channel, buf, peer)) {
            throw new IOException("relay socket closed or its send queue is full");
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
