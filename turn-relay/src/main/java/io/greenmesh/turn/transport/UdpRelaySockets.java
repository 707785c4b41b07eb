package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.RelaySockets;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Relay sockets from the configured port range, handed to the worker that owns the client. */
final class UdpRelaySockets implements RelaySockets {

    private final InetAddress bindAddress;
    private final int portMin;
    private final int portMax;
    private final List<UdpWorker> workers;
    private final AtomicInteger cursor;
    private final AtomicInteger roundRobin = new AtomicInteger();

    UdpRelaySockets(InetAddress bindAddress, int portMin, int portMax, List<UdpWorker> workers) {
        this.bindAddress = bindAddress;
        this.portMin = portMin;
        this.portMax = portMax;
        this.workers = workers;
        this.cursor = new AtomicInteger(new java.util.Random().nextInt(portMax - portMin + 1));
    }

    @Override
    public DatagramChannel open(boolean evenPort) throws IOException {
        DatagramChannel[] found = scan(evenPort, false);
        return found == null ? null : found[0];
    }

    @Override
    public DatagramChannel[] openEvenPair() throws IOException {
        return scan(true, true);
    }

    /** Walks the range once from a moving cursor; every port is tried at most once per call. */
    private DatagramChannel[] scan(boolean even, boolean pair) throws IOException {
        int span = portMax - portMin + 1;
        for (int attempt = 0; attempt < span; attempt++) {
            int port = portMin + Math.floorMod(cursor.getAndIncrement(), span);
            if (even && (port & 1) != 0 || pair && port + 1 > portMax) {
                continue;
            }
            DatagramChannel first = bind(port);
            if (first == null) {
                continue;
            }
            if (!pair) {
                return new DatagramChannel[] {first};
            }
            DatagramChannel second = bind(port + 1);
            if (second != null) {
                return new DatagramChannel[] {first, second};
            }
            first.close();
        }
        return null;
    }

    private DatagramChannel bind(int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open(
                bindAddress.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            channel.bind(new InetSocketAddress(bindAddress, port));
            return channel;
        } catch (BindException e) {
            channel.close();
            return null;
        }
    }

    @Override
    public void activate(Allocation allocation) {
        if (allocation.sink() instanceof UdpClientSink udp) {
            udp.worker().register(allocation);
        } else {
            workers.get(Math.floorMod(roundRobin.getAndIncrement(), workers.size())).register(allocation);
        }
    }
}
