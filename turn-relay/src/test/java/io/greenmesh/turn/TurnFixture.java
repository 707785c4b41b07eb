package io.greenmesh.turn;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/** A relay on 127.0.0.1 with a hand-moved clock and an in-memory registry, plus a UDP peer. */
final class TurnFixture implements AutoCloseable {

    static final String SECRET = "test-secret";
    /** A DTLS 1.2 ClientHello record (header and a few body bytes): what opens a permission to SRTP. */
    static final byte[] DTLS_HANDSHAKE = HexFormat.of().parseHex("16fefd000000000000000000050100000100");
    /** An SRTP-shaped packet: RTP v2 header, opaque payload. */
    static final byte[] SRTP = HexFormat.of().parseHex("806f00010000000100000001deadbeefcafebabe");

    final MutableClock clock = new MutableClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TurnSettings settings;
    final TurnServer server;
    final DatagramSocket peer;

    /**
     * A relay on 127.0.0.1 with a fast reaper and raised unauthenticated limits (so that error-path tests can send
     * many requests from one address); {@code overrides} on top.
     */
    TurnFixture(Map<String, Object> overrides) throws IOException {
        this(ConfigFactory.parseMap(Map.of("greenmesh.turn", shaped(overrides))));
    }

    /** A relay with {@code turn} (a greenmesh.turn block) over the reference defaults. */
    private TurnFixture(com.typesafe.config.Config turn) throws IOException {
        settings = TurnSettings.fromConfig(turn.withFallback(ConfigFactory.defaultReference()).resolve());
        server = TurnServer.start(settings, registry, clock);
        peer = new DatagramSocket(new InetSocketAddress(clientTarget(), 0));
        peer.setSoTimeout(2000);
    }

    private static Map<String, Object> shaped(Map<String, Object> overrides) {
        Map<String, Object> base = new java.util.HashMap<>(Map.of(
                "host", "127.0.0.1", "port", 0, "relay-port-min", 41000, "relay-port-max", 41999,
                "secret", SECRET, "allow-loopback-peers", true, "workers", 2, "reap-interval", "20ms",
                "unauthenticated-rate", 1000, "metrics-port", 0));
        base.put("unauthenticated-burst", 1000);
        base.putAll(overrides);
        return base;
    }

    /**
     * The relay as shipped: every limit, the bind address (0.0.0.0) and the relay port range at their defaults,
     * relay-address 127.0.0.1 (what the embedded node derives from its default public host). Set only: a free
     * port (3478 may be taken), the secret, and loopback peers (a policy for the test's peers on this host).
     */
    static TurnFixture onDefaults(boolean epoll) throws IOException {
        Map<String, Object> turn = new java.util.HashMap<>(Map.of("port", 0, "secret", SECRET,
                "relay-address", "127.0.0.1", "allow-loopback-peers", true, "metrics-port", 0));
        if (epoll) {
            requireEpoll();
            turn.put("udp-transport", "epoll");
        }
        return new TurnFixture(ConfigFactory.parseMap(Map.of("greenmesh.turn", turn)));
    }

    /** Where clients send: the host, or loopback when the host is a wildcard. */
    InetAddress clientTarget() throws IOException {
        InetAddress host = InetAddress.getByName(settings.host());
        return host.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : host;
    }

    TurnFixture() throws IOException {
        this(Map.of());
    }

    /**
     * The same relay on Netty's epoll UDP transport. Fails rather than passing on the NIO fallback: on this
     * project's machines (Linux x86_64) the native transport must load.
     */
    static TurnFixture onEpoll(Map<String, Object> overrides) throws IOException {
        requireEpoll();
        Map<String, Object> epoll = new java.util.HashMap<>(overrides);
        epoll.put("udp-transport", "epoll");
        TurnFixture turn = new TurnFixture(epoll);
        if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("turn-udp-epoll"))) {
            turn.close();
            throw new AssertionError("udp-transport = epoll started no epoll event loop");
        }
        return turn;
    }

    private static void requireEpoll() {
        if (!io.netty.channel.epoll.Epoll.isAvailable()) {
            throw new AssertionError("Netty's epoll transport did not load", io.netty.channel.epoll.Epoll.unavailabilityCause());
        }
    }

    TestTurnClient udpClient() throws IOException {
        return udpClient("alice");
    }

    /** A UDP client with its own port on the client address, with {@code id}'s REST credentials. */
    TestTurnClient udpClient(String id) throws IOException {
        return udpClient(id, clock.millis() / 1000 + 3600);
    }

    /** As {@link #udpClient(String)} with a given expiry: the same username a browser keeps for its credential. */
    TestTurnClient udpClient(String id, long expiryEpochSeconds) throws IOException {
        return TestTurnClient.udp(clientTarget(), server.udpPort()).credentials(SECRET, expiryEpochSeconds, id);
    }

    TestTurnClient tcpClient() throws IOException {
        return tcpClient("alice");
    }

    TestTurnClient tcpClient(String id) throws IOException {
        return TestTurnClient.tcp(server.tcpPort()).credentials(SECRET, clock.millis() / 1000 + 3600, id);
    }

    InetSocketAddress peerAddress() {
        return (InetSocketAddress) peer.getLocalSocketAddress();
    }

    /** What the peer received within {@code millis}, with its source; null when nothing came. */
    DatagramPacket peerReceive(int millis) throws IOException {
        peer.setSoTimeout(millis);
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            peer.receive(packet);
            return packet;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    static byte[] payload(DatagramPacket packet) {
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    void peerSend(byte[] payload, InetSocketAddress to) throws IOException {
        peer.send(new DatagramPacket(payload, payload.length, to));
    }

    double counter(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The counter's value once it reached {@code expected}, or its value after a bounded wait. */
    double awaitCounter(double expected, String name, String... tags) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (counter(name, tags) < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return counter(name, tags);
    }

    /** Waits (bounded) until the reaper thread has caught up with the clock. */
    void awaitActive(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (server.activeAllocations() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        peer.close();
        server.close();
    }
}
