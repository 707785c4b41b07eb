package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The UDP data path on the JDK: one {@link UdpWorker} thread (selector) per listener socket. */
final class NioUdp implements UdpTransport {

    private final List<DatagramChannel> channels;
    private final List<UdpWorker> workers = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int port;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;

    private NioUdp(List<DatagramChannel> channels, int port, AllocationTable table, DataPath dataPath,
                   TurnMetrics metrics) {
        this.channels = channels;
        this.port = port;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
    }

    /** Binds {@code workers} listener sockets on the port, or none (what was bound is closed on failure). */
    static NioUdp bind(InetAddress host, int port, int workers, AllocationTable table, DataPath dataPath,
                       TurnMetrics metrics) throws IOException {
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            UdpTransport.probeFree(host, port);
            for (int i = 0; i < workers; i++) {
                DatagramChannel channel = DatagramChannel.open(UdpTransport.family(host));
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                try {
                    channel.bind(new InetSocketAddress(host, port));
                } catch (BindException e) {
                    throw UdpTransport.portInUse(host, port, e);
                }
                port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            }
            return new NioUdp(channels, port, table, dataPath, metrics);
        } catch (IOException | RuntimeException e) {
            channels.forEach(UdpTransport::closeQuietly);
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public UdpRelaySockets.Binder relayBinder() {
        return UdpRelaySockets.nio(workers);
    }

    @Override
    public void start(TurnRequestHandler handler, InetSocketAddress listenAddress) {
        try {
            for (DatagramChannel channel : channels) {
                workers.add(new UdpWorker(channel, listenAddress, handler, table, dataPath, metrics));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < workers.size(); i++) {
            Thread thread = new Thread(workers.get(i), "turn-udp-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    @Override
    public void close() {
        workers.forEach(UdpWorker::stop);
        channels.forEach(UdpTransport::closeQuietly);
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
