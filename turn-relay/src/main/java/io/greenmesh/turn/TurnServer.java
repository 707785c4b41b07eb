package io.greenmesh.turn;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.policy.PeerAddressPolicy;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.NonceManager;
import io.greenmesh.turn.server.TurnCredentials;
import io.greenmesh.turn.server.TurnRequestHandler;
import io.greenmesh.turn.transport.DataPath;
import io.greenmesh.turn.transport.Transports;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The embedding API: {@code TurnServer server = TurnServer.start(settings, registry)} binds the listeners and
 * starts relaying; {@link #close()} stops it. A disabled configuration yields a server that binds nothing.
 */
public final class TurnServer implements AutoCloseable {

    /** How often a relay on a wildcard host looks for addresses that appeared or went away. */
    static final int ADDRESS_RESCAN_SECONDS = 5;

    private final Transports transports;
    private final ScheduledExecutorService reaper;
    private final TurnMetrics metrics;
    private final TurnRequestHandler handler;

    private TurnServer(Transports transports, ScheduledExecutorService reaper, TurnMetrics metrics,
                       TurnRequestHandler handler) {
        this.transports = transports;
        this.reaper = reaper;
        this.metrics = metrics;
        this.handler = handler;
    }

    /** Starts the relay; throws {@link TurnServerException} (message names the port) when it cannot bind. */
    public static TurnServer start(TurnSettings settings, MeterRegistry registry) {
        return start(settings, registry, Clock.systemUTC());
    }

    /** As {@link #start(TurnSettings, MeterRegistry)} with a clock, so tests can expire lifetimes and nonces. */
    public static TurnServer start(TurnSettings settings, MeterRegistry registry, Clock clock) {
        TurnMetrics metrics = new TurnMetrics(registry);
        if (!settings.enabled()) {
            return new TurnServer(null, null, metrics, null);
        }
        if (settings.secrets().isEmpty()) {
            throw new TurnServerException("TURN relay needs greenmesh.turn.secret (GREENMESH_TURN_SECRET)");
        }
        InetAddress host = literal(settings.host(), "host");
        InetAddress relayAddress = relayAddress(settings, host);
        AllocationTable table = new AllocationTable(settings.maxAllocationsPerUser(), settings.maxAllocations());
        DataPath dataPath = new DataPath(settings.mode(), metrics, clock);
        TurnCredentials credentials = new TurnCredentials(settings.secrets(), settings.realm(), clock);
        NonceManager nonces = new NonceManager(clock, settings.nonceLifetime());
        TurnRequestHandler[] handler = new TurnRequestHandler[1];
        // A relay socket answers peers from the address it is bound to: the advertised one where that is ours.
        InetAddress relayOn = Transports.relayBindAddress(host, relayAddress);
        Transports transports = Transports.bind(settings, host, relayOn, table, dataPath, metrics, (sockets, port) -> {
            Set<Integer> ownPorts = new HashSet<>(java.util.List.of(port, settings.tlsPort(), settings.metricsPort()));
            PeerAddressPolicy policy = new PeerAddressPolicy(settings.allowLoopbackPeers(), settings.allowedPeers(),
                    settings.deniedPeers(), ownAddresses(host, relayAddress), ownPorts);
            handler[0] = new TurnRequestHandler(settings, credentials, nonces, table, policy, metrics, sockets,
                    dataPath, relayAddress, clock);
            return handler[0];
        });
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "turn-reaper");
            t.setDaemon(true);
            return t;
        });
        long interval = Math.max(10, settings.reapInterval().toMillis());
        reaper.scheduleWithFixedDelay(() -> {
            try {
                handler[0].reap();
            } catch (RuntimeException e) {
                metrics.dropped("internal_error");
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
        reaper.scheduleWithFixedDelay(() -> {
            try {
                transports.rescanAddresses();
            } catch (RuntimeException e) {
                metrics.dropped("internal_error");
            }
        }, ADDRESS_RESCAN_SECONDS, ADDRESS_RESCAN_SECONDS, TimeUnit.SECONDS);
        return new TurnServer(transports, reaper, metrics, handler[0]);
    }

    private static InetAddress literal(String text, String key) {
        if (!text.matches("[0-9a-fA-F:.]+")) {
            throw new TurnServerException("greenmesh.turn." + key + " must be an IP address, got '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new TurnServerException("greenmesh.turn." + key + " is not an IP address: " + text, e);
        }
    }

    private static InetAddress relayAddress(TurnSettings settings, InetAddress host) {
        if (!settings.relayAddress().isBlank()) {
            return literal(settings.relayAddress(), "relay-address");
        }
        if (host.isAnyLocalAddress()) {
            throw new TurnServerException("greenmesh.turn.relay-address (GREENMESH_TURN_RELAY_ADDRESS) must be set"
                    + " when listening on " + host.getHostAddress());
        }
        return host;
    }

    /** The addresses a peer must not use to reach the relay's own listeners. */
    private static Set<InetAddress> ownAddresses(InetAddress host, InetAddress relayAddress) {
        Set<InetAddress> own = new HashSet<>(java.util.List.of(host, relayAddress));
        if (host.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    own.addAll(Collections.list(nic.getInetAddresses()));
                }
            } catch (SocketException e) {
                // Without the list the loopback and unspecified rules still hold.
            }
        }
        return own;
    }

    /** The bound UDP (and TCP) port; -1 when disabled. */
    public int udpPort() {
        return transports == null ? -1 : transports.udpPort();
    }

    /** The bound TCP port; -1 when TCP is off or the relay disabled. */
    public int tcpPort() {
        return transports == null ? -1 : transports.tcpPort();
    }

    /** The bound TLS port; -1 when TLS is off or the relay disabled. */
    public int tlsPort() {
        return transports == null ? -1 : transports.tlsPort();
    }

    /** Application bytes relayed in both directions since start, live: for the carbon accounting. */
    public LongSupplier relayedBytes() {
        return metrics.relayedBytesTotal();
    }

    /** The addresses the UDP listeners are bound to now (every local one on a wildcard host); empty when disabled. */
    public java.util.Set<InetAddress> udpAddresses() {
        return transports == null ? java.util.Set.of() : transports.udpAddresses();
    }

    /** Looks for local addresses that appeared or went away now, as the relay does every few seconds. */
    public void rescanAddresses() {
        if (transports != null) {
            transports.rescanAddresses();
        }
    }

    public int activeAllocations() {
        return metrics.activeAllocations();
    }

    @Override
    public void close() {
        if (transports == null) {
            return;
        }
        reaper.shutdownNow();
        transports.close();
        handler.closeAll();
    }
}
