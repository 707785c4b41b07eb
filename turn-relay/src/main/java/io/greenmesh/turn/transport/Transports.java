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
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners and data-path threads: for each address served ({@link ListenAddresses}: the host, or every local
 * address when the host is a wildcard), {@code workers} UDP sockets on the TURN port (SO_REUSEPORT) read by the
 * configured {@link UdpTransport}; a TCP listener on the same port, and a TLS listener when a certificate is
 * configured (connected sockets answer from the address they were reached at, so these stay on the host itself).
 */
public final class Transports implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

    private final InetAddress host;
    private final UdpTransport udp;
    private final StreamListener tcp;
    private final StreamListener tls;

    private Transports(InetAddress host, UdpTransport udp, StreamListener tcp, StreamListener tls) {
        this.host = host;
        this.udp = udp;
        this.tcp = tcp;
        this.tls = tls;
    }

    /**
     * Binds everything or nothing: on failure what was bound is closed and a {@link TurnServerException} names
     * the port. {@code handlers} builds the control plane once the relay sockets exist and the UDP port is
     * known (TCP shares it). Relay sockets bind {@code relayBind}.
     */
    public static Transports bind(TurnSettings settings, InetAddress host, InetAddress relayBind, AllocationTable table,
                                  DataPath dataPath, TurnMetrics metrics,
                                  BiFunction<RelaySockets, Integer, TurnRequestHandler> handlers) {
        // Port 0: the kernel's free UDP port may be taken on TCP; then pick another, a bounded number of times.
        int attempts = settings.port() == 0 && settings.tcpEnabled() ? 5 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return bindOnce(settings, host, relayBind, table, dataPath, metrics, handlers);
            } catch (TurnServerException e) {
                if (attempt >= attempts || !(e.getCause() instanceof BindException)) {
                    throw e;
                }
            }
        }
    }

    private static Transports bindOnce(TurnSettings settings, InetAddress host, InetAddress relayBind,
                                       AllocationTable table, DataPath dataPath, TurnMetrics metrics,
                                       BiFunction<RelaySockets, Integer, TurnRequestHandler> handlers) {
        UdpTransport udp = null;
        StreamListener tcp = null;
        StreamListener tls = null;
        try {
            udp = bindUdp(settings, host, table, dataPath, metrics);
            int port = udp.port();
            TurnRequestHandler handler = handlers.apply(
                    new UdpRelaySockets(relayBind, settings.relayPortMin(), settings.relayPortMax(), udp.relayBinder()),
                    port);
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
            udp.start(handler);
            LOG.info("TURN relay listening on UDP {} port {}", udp.listeners().addresses().stream()
                    .map(InetAddress::getHostAddress).sorted().toList(), port);
            return new Transports(host, udp, tcp, tls);
        } catch (IOException | RuntimeException e) {
            UdpTransport.closeQuietly(udp);
            UdpTransport.closeQuietly(tcp);
            UdpTransport.closeQuietly(tls);
            if (e instanceof TurnServerException t) {
                throw t;
            }
            throw new TurnServerException("TURN relay failed to start: " + e.getMessage(), e);
        }
    }

    /** The configured UDP transport; epoll falls back to NIO where Netty's native library cannot load. */
    private static UdpTransport bindUdp(TurnSettings settings, InetAddress host, AllocationTable table,
                                        DataPath dataPath, TurnMetrics metrics) throws IOException {
        Set<InetAddress> addresses = served(host);
        if (settings.udpTransport() == TurnSettings.UdpTransport.EPOLL) {
            if (EpollUdp.available()) {
                LOG.info("TURN UDP data path: Netty epoll, {} event loops", settings.workerCount());
                return EpollUdp.bind(host, addresses, settings.port(), settings.workerCount(), table, dataPath,
                        metrics);
            }
            LOG.warn("greenmesh.turn.udp-transport = epoll, but Netty's native epoll transport is unavailable here"
                    + " ({}); using nio", EpollUdp.unavailabilityCause());
        }
        return NioUdp.bind(host, addresses, settings.port(), settings.workerCount(), table, dataPath, metrics);
    }

    /** The addresses to listen on; the wildcard itself only when no interface address was found at all. */
    private static Set<InetAddress> served(InetAddress host) {
        Set<InetAddress> addresses = ListenAddresses.of(host);
        return addresses.isEmpty() ? Set.of(host) : addresses;
    }

    /**
     * On a wildcard host: listens on addresses that appeared since the last call and stops on those gone (a
     * DHCP lease, an added interface, a network namespace's veth end). A no-op on a specific host.
     */
    public void rescanAddresses() {
        if (host.isAnyLocalAddress()) {
            udp.listeners().serve(served(host));
        }
    }

    /** Where the UDP listeners are bound now. */
    public Set<InetAddress> udpAddresses() {
        return udp.listeners().addresses();
    }

    /** Where relay sockets are bound on {@code host}: the advertised address when it is local, else the host. */
    public static InetAddress relayBindAddress(InetAddress host, InetAddress relayAddress) {
        return host.isAnyLocalAddress() && ListenAddresses.isLocal(relayAddress) ? relayAddress : host;
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

    public int udpPort() {
        return udp.port();
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
        udp.close();
        UdpTransport.closeQuietly(tcp);
        UdpTransport.closeQuietly(tls);
    }
}
