package io.greenmesh.turn.transport;

import io.greenmesh.turn.TurnServerException;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;

/**
 * The UDP side of the relay, on the JDK's selector ({@link NioUdp}) or Netty's epoll transport ({@link EpollUdp}):
 * for each address served, one listener socket per data-path thread on the TURN port (SO_REUSEPORT), the
 * allocations' relay sockets, and the threads that read them. Both hand every datagram to {@link UdpPackets}, so the relay logic is the same.
 */
interface UdpTransport extends Closeable {

    /** The bound TURN port (known before {@link #start}). */
    int port();

    /** The listener sockets, by address; {@link ListenerSockets#serve} follows a changed address list. */
    ListenerSockets<?> listeners();

    /** How this transport binds and starts reading relay sockets. */
    UdpRelaySockets.Binder relayBinder();

    /** Starts reading the listeners once the control plane exists. */
    void start(TurnRequestHandler handler);

    @Override
    void close();

    static StandardProtocolFamily family(InetAddress host) {
        return host.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** SO_REUSEPORT would let us share a port another relay already holds: probe without it first. */
    static void probeFree(InetAddress host, int port) throws IOException {
        if (port == 0) {
            return;
        }
        try (DatagramChannel probe = DatagramChannel.open(family(host))) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw portInUse(host, port, e);
        }
    }

    static TurnServerException portInUse(InetAddress host, int port, Exception cause) {
        return new TurnServerException("TURN relay cannot listen on UDP " + host.getHostAddress() + ":" + port
                + ": port already in use", cause);
    }

    static void closeQuietly(Closeable closeable) {
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
