package io.greenmesh.turn.transport;

import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.RelaySocket;
import io.greenmesh.turn.server.RelaySockets;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Relay sockets from the configured port range, handed to the data-path thread that owns the client. */
final class UdpRelaySockets implements RelaySockets {

    /** What differs between the UDP transports: how a relay socket is bound, and who starts reading it. */
    interface Binder {

        /** A socket bound to {@code address}, or null when that port is taken. */
        RelaySocket bind(InetSocketAddress address) throws IOException;

        /** Starts delivering the allocation's peer packets to its client. */
        void activate(Allocation allocation);
    }

    private final InetAddress bindAddress;
    private final int portMin;
    private final int portMax;
    private final Binder binder;
    private final AtomicInteger cursor;

    UdpRelaySockets(InetAddress bindAddress, int portMin, int portMax, Binder binder) {
        this.bindAddress = bindAddress;
        this.portMin = portMin;
        this.portMax = portMax;
        this.binder = binder;
        this.cursor = new AtomicInteger(new java.util.Random().nextInt(portMax - portMin + 1));
    }

    /** JDK DatagramChannels, read by the {@link UdpWorker} whose listener heard the client. */
    static Binder nio(List<UdpWorker> workers) {
        AtomicInteger roundRobin = new AtomicInteger();
        return new Binder() {
            @Override
            public RelaySocket bind(InetSocketAddress address) throws IOException {
                DatagramChannel channel = DatagramChannel.open(address.getAddress().getAddress().length == 4
                        ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                try {
                    channel.bind(address);
                    return new NioRelaySocket(channel);
                } catch (BindException e) {
                    channel.close();
                    return null;
                }
            }

            @Override
            public void activate(Allocation allocation) {
                if (allocation.sink() instanceof UdpClientSink udp && udp.listener() instanceof UdpWorker.Listener heard) {
                    heard.worker().register(allocation);
                } else {
                    workers.get(Math.floorMod(roundRobin.getAndIncrement(), workers.size())).register(allocation);
                }
            }
        };
    }

    @Override
    public RelaySocket open(boolean evenPort) throws IOException {
        RelaySocket[] found = scan(evenPort, false);
        return found == null ? null : found[0];
    }

    @Override
    public RelaySocket[] openEvenPair() throws IOException {
        return scan(true, true);
    }

    /** Walks the range once from a moving cursor; every port is tried at most once per call. */
    private RelaySocket[] scan(boolean even, boolean pair) throws IOException {
        int span = portMax - portMin + 1;
        for (int attempt = 0; attempt < span; attempt++) {
            int port = portMin + Math.floorMod(cursor.getAndIncrement(), span);
            if (even && (port & 1) != 0 || pair && port + 1 > portMax) {
                continue;
            }
            RelaySocket first = binder.bind(new InetSocketAddress(bindAddress, port));
            if (first == null) {
                continue;
            }
            if (!pair) {
                return new RelaySocket[] {first};
            }
            RelaySocket second = binder.bind(new InetSocketAddress(bindAddress, port + 1));
            if (second != null) {
                return new RelaySocket[] {first, second};
            }
            first.close();
        }
        return null;
    }

    @Override
    public void activate(Allocation allocation) {
        binder.activate(allocation);
    }
}
