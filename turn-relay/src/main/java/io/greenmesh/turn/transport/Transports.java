package io.greenmesh.turn.transport;

import io.greenmesh.turn.TurnServerException;
import io.greenmesh.turn.TurnSettings;
import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.ClientTransport;
import io.greenmesh.turn.server.RelaySockets;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import javax.net.ssl.SSLServerSocket;

/**
 * The listeners and data-path threads: {@code workers} UDP sockets on the TURN port (SO_REUSEPORT), a TCP
 * listener on the same port, and a TLS listener when a certificate is configured.
 */
public final class Transports implements Closeable {

    private final List<UdpWorker> workers;
    private final List<Thread> threads = new ArrayList<>();
    private final List<DatagramChannel> udpChannels;
    private final StreamListener tcp;
    private final StreamListener tls;
    private final int udpPort;

    private Transports(List<UdpWorker> workers, List<DatagramChannel> udpChannels, StreamListener tcp,
                       StreamListener tls, int udpPort) {
        this.workers = workers;
        this.udpChannels = udpChannels;
        this.tcp = tcp;
        this.tls = tls;
        this.udpPort = udpPort;
    }

    /**
     * Binds everything or nothing: on failure what was bound is closed and a {@link TurnServerException} names
     * the port. {@code handlers} builds the control plane once the relay sockets exist and the UDP port is
     * known (TCP shares it).
     */
    public static Transports bind(TurnSettings settings, InetAddress host, AllocationTable table, DataPath dataPath,
                                  TurnMetrics metrics,
                                  BiFunction<RelaySockets, Integer, TurnRequestHandler> handlers) {
        // Port 0: the kernel's free UDP port may be taken on TCP; then pick another, a bounded number of times.
        int attempts = settings.port() == 0 && settings.tcpEnabled() ? 5 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return bindOnce(settings, host, table, dataPath, metrics, handlers);
            } catch (TurnServerException e) {
                if (attempt >= attempts || !(e.getCause() instanceof BindException)) {
                    throw e;
                }
            }
        }
    }

    private static Transports bindOnce(TurnSettings settings, InetAddress host, AllocationTable table,
                                       DataPath dataPath, TurnMetrics metrics,
                                       BiFunction<RelaySockets, Integer, TurnRequestHandler> handlers) {
        List<DatagramChannel> channels = new ArrayList<>();
        List<UdpWorker> workers = new CopyOnWriteArrayList<>();
        StreamListener tcp = null;
        StreamListener tls = null;
        try {
            int port = bindUdp(settings, host, channels);
            InetSocketAddress listenAddress = new InetSocketAddress(host, port);
            TurnRequestHandler handler = handlers.apply(
                    new UdpRelaySockets(host, settings.relayPortMin(), settings.relayPortMax(), workers), port);
            for (DatagramChannel channel : channels) {
                workers.add(new UdpWorker(channel, listenAddress, handler, table, dataPath, metrics));
            }
            int maxConnections = settings.maxStreamConnections();
            if (settings.tcpEnabled()) {
                ServerSocket server = bindStream(new ServerSocket(), host, port, "TCP");
                tcp = new StreamListener(server, ClientTransport.TCP, handler, table, dataPath, metrics, maxConnections);
            }
            if (settings.tlsEnabled()) {
                SSLServerSocket server = (SSLServerSocket) PemTls.serverContext(Path.of(settings.tlsCert()),
                        Path.of(settings.tlsKey())).getServerSocketFactory().createServerSocket();
                server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                bindStream(server, host, settings.tlsPort(), "TLS");
                tls = new StreamListener(server, ClientTransport.TLS, handler, table, dataPath, metrics, maxConnections);
            }
            Transports transports = new Transports(workers, channels, tcp, tls, port);
            transports.startWorkers();
            return transports;
        } catch (IOException | RuntimeException e) {
            channels.forEach(Transports::closeQuietly);
            closeQuietly(tcp);
            closeQuietly(tls);
            if (e instanceof TurnServerException t) {
                throw t;
            }
            throw new TurnServerException("TURN relay failed to start: " + e.getMessage(), e);
        }
    }

    private static int bindUdp(TurnSettings settings, InetAddress host, List<DatagramChannel> channels)
            throws IOException {
        int port = settings.port();
        StandardProtocolFamily family = host.getAddress().length == 4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        if (port != 0) {
            // SO_REUSEPORT would let us share a port another relay already holds: probe without it first.
            try (DatagramChannel probe = DatagramChannel.open(family)) {
                probe.bind(new InetSocketAddress(host, port));
            } catch (BindException e) {
                throw new TurnServerException("TURN relay cannot listen on UDP " + host.getHostAddress() + ":" + port
                        + ": port already in use", e);
            }
        }
        for (int i = 0; i < settings.workerCount(); i++) {
            DatagramChannel channel = DatagramChannel.open(family);
            channels.add(channel);
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            try {
                channel.bind(new InetSocketAddress(host, port));
            } catch (BindException e) {
                throw new TurnServerException("TURN relay cannot listen on UDP " + host.getHostAddress() + ":" + port
                        + ": port already in use", e);
            }
            port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }
        return port;
    }

    private static <T extends ServerSocket> T bindStream(T server, InetAddress host, int port, String name)
            throws IOException {
        try {
            server.bind(new InetSocketAddress(host, port), 512);
            return server;
        } catch (BindException e) {
            server.close();
            throw new TurnServerException("TURN relay cannot listen on " + name + " " + host.getHostAddress() + ":"
                    + port + ": port already in use", e);
        }
    }

    private void startWorkers() {
        for (int i = 0; i < workers.size(); i++) {
            Thread thread = new Thread(workers.get(i), "turn-udp-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    public int udpPort() {
        return udpPort;
    }

    /** The TCP port, or -1 when TCP is off. */
    public int tcpPort() {
        return tcp == null ? -1 : tcp.port();
    }

    /** The TLS port, or -1 when TLS is off. */
    public int tlsPort() {
        return tls == null ? -1 : tls.port();
    }

    @Override
    public void close() {
        workers.forEach(UdpWorker::stop);
        udpChannels.forEach(Transports::closeQuietly);
        closeQuietly(tcp);
        closeQuietly(tls);
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}
