package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The UDP data path on the JDK: one {@link UdpWorker} thread (selector) per worker, reading its listener sockets. */
final class NioUdp implements UdpTransport {

    private final List<UdpWorker> workers = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int workerCount;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;
    private final ListenerSockets<DatagramChannel> listeners;

    private NioUdp(int port, int workerCount, AllocationTable table, DataPath dataPath,
                   TurnMetrics metrics) {
        this.workerCount = workerCount;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
        this.listeners = new ListenerSockets<>(port, workerCount) {
            @Override
            DatagramChannel bind(InetAddress address, int port, int worker) throws IOException {
                DatagramChannel channel = DatagramChannel.open(UdpTransport.family(address));
                try {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                    channel.bind(new InetSocketAddress(address, port));
                    return channel;
                } catch (BindException e) {
                    channel.close();
                    throw UdpTransport.portInUse(address, port, e);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }

            @Override
            int portOf(DatagramChannel channel) {
                try {
                    return ((InetSocketAddress) channel.getLocalAddress()).getPort();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            void attach(DatagramChannel channel, int worker) {
                try {
                    workers.get(worker).listen(channel);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            void close(DatagramChannel channel) {
                UdpTransport.closeQuietly(channel);
            }
        };
    }

    /** Binds {@code workers} listener sockets on the port for each address, or none (closed again on failure). */
    static NioUdp bind(InetAddress host, Set<InetAddress> addresses, int port, int workers, AllocationTable table,
                       DataPath dataPath, TurnMetrics metrics) throws IOException {
        UdpTransport.probeFree(host, port);
        NioUdp udp = new NioUdp(port, workers, table, dataPath, metrics);
        udp.listeners.bindAll(addresses);
        return udp;
    }

    @Override
    public int port() {
        return listeners.port();
    }

    @Override
    public ListenerSockets<?> listeners() {
        return listeners;
    }

    @Override
    public UdpRelaySockets.Binder relayBinder() {
        return UdpRelaySockets.nio(workers);
    }

    @Override
    public void start(TurnRequestHandler handler) {
        try {
            for (int i = 0; i < workerCount; i++) {
                workers.add(new UdpWorker(handler, table, dataPath, metrics));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        listeners.attachAll();
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
        listeners.closeAll();
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
