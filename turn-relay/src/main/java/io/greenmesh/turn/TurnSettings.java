package io.greenmesh.turn;

import com.typesafe.config.Config;
import io.greenmesh.turn.policy.Cidr;
import io.greenmesh.turn.policy.EnforcementMode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the relay can be told, read from the {@code greenmesh.turn} block (see reference.conf for the
 * meaning of each key and its {@code GREENMESH_TURN_*} variable).
 */
public record TurnSettings(
        boolean enabled,
        String host,
        int port,
        boolean tcpEnabled,
        int tlsPort,
        String tlsCert,
        String tlsKey,
        String relayAddress,
        int relayPortMin,
        int relayPortMax,
        List<String> secrets,
        String realm,
        EnforcementMode mode,
        boolean allowLoopbackPeers,
        List<Cidr> allowedPeers,
        List<Cidr> deniedPeers,
        boolean rfc5766Channels,
        Duration defaultLifetime,
        Duration maxLifetime,
        Duration permissionLifetime,
        Duration channelLifetime,
        Duration nonceLifetime,
        Duration idleTimeout,
        Duration reapInterval,
        int maxAllocationsPerUser,
        int maxAllocations,
        int maxStreamConnections,
        int maxPermissionsPerAllocation,
        long bandwidthPerAllocation,
        double unauthenticatedRate,
        int unauthenticatedBurst,
        double unauthenticatedAmplification,
        int workers,
        UdpTransport udpTransport,
        int metricsPort) {

    /** Which code reads and writes the UDP sockets; both run the same relay logic. */
    public enum UdpTransport {
        /** The JDK's selector and DatagramChannel: one recvfrom/sendto per packet. The default. */
        NIO,
        /** Netty's native epoll transport: recvmmsg/sendmmsg batches; Linux only, else falls back to NIO. */
        EPOLL;

        public static UdpTransport parse(String text) {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final String PATH = "greenmesh.turn";

    public TurnSettings {
        secrets = List.copyOf(secrets);
        allowedPeers = List.copyOf(allowedPeers);
        deniedPeers = List.copyOf(deniedPeers);
        if (relayPortMin < 1 || relayPortMax > 65535 || relayPortMin > relayPortMax) {
            throw new IllegalArgumentException("relay-port-min/max must be a range inside 1..65535");
        }
        if (maxLifetime.compareTo(defaultLifetime) < 0) {
            throw new IllegalArgumentException("max-lifetime is shorter than default-lifetime");
        }
    }

    /** Reads {@code greenmesh.turn} from a resolved config (reference.conf supplies every default). */
    public static TurnSettings fromConfig(Config root) {
        Config c = root.getConfig(PATH);
        return new TurnSettings(
                c.getBoolean("enabled"),
                c.getString("host"),
                c.getInt("port"),
                c.getBoolean("tcp-enabled"),
                c.getInt("tls-port"),
                c.getString("tls-cert"),
                c.getString("tls-key"),
                c.getString("relay-address"),
                c.getInt("relay-port-min"),
                c.getInt("relay-port-max"),
                commaList(c.getString("secret")),
                c.getString("realm"),
                EnforcementMode.parse(c.getString("mode")),
                c.getBoolean("allow-loopback-peers"),
                commaList(c.getString("allowed-peers")).stream().map(Cidr::parse).toList(),
                commaList(c.getString("denied-peers")).stream().map(Cidr::parse).toList(),
                c.getBoolean("rfc5766-channels"),
                c.getDuration("default-lifetime"),
                c.getDuration("max-lifetime"),
                c.getDuration("permission-lifetime"),
                c.getDuration("channel-lifetime"),
                c.getDuration("nonce-lifetime"),
                c.getDuration("idle-timeout"),
                c.getDuration("reap-interval"),
                c.getInt("max-allocations-per-user"),
                c.getInt("max-allocations"),
                c.getInt("max-stream-connections"),
                c.getInt("max-permissions-per-allocation"),
                c.getLong("bandwidth-per-allocation"),
                c.getDouble("unauthenticated-rate"),
                c.getInt("unauthenticated-burst"),
                c.getDouble("unauthenticated-amplification"),
                c.getInt("workers"),
                UdpTransport.parse(c.getString("udp-transport")),
                c.getInt("metrics-port"));
    }

    /** True when both PEM paths are set, which is what turns the TLS listener on. */
    public boolean tlsEnabled() {
        return !tlsCert.isBlank() && !tlsKey.isBlank();
    }

    /** The highest channel number ChannelBind accepts. */
    public int maxChannelNumber() {
        return rfc5766Channels ? 0x7FFF : 0x4FFF;
    }

    public int workerCount() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    private static List<String> commaList(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public String toString() {
        // Never print the secrets.
        return "TurnSettings[host=" + host + ", port=" + port + ", tls=" + tlsEnabled() + ", relayAddress="
                + relayAddress + ", relayPorts=" + relayPortMin + "-" + relayPortMax + ", realm=" + realm
                + ", mode=" + mode + ", udpTransport=" + udpTransport + ", secrets=" + secrets.size() + "]";
    }
}
