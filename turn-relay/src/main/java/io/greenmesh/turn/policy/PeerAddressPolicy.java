package io.greenmesh.turn.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which peers a client may relay to: the SSRF defence of a TURN server. Every IPv6 form that embeds an IPv4
 * address is first reduced to that IPv4 address (CVE-2026-27624: {@code ::ffff:127.0.0.1} passed coturn's
 * checks), then the address is refused when it is unspecified (CVE-2020-26262: {@code 0.0.0.0}, {@code ::}),
 * loopback, link-local, multicast, broadcast/reserved, private (RFC 1918, fc00::/7) or CGNAT (100.64/10), unless
 * an operator allow-list says otherwise. Sending to the relay's own listener ports is always refused.
 */
public final class PeerAddressPolicy {

    /** The outcome; {@code reason} is a metric label, null when allowed. */
    public record Decision(boolean allowed, String reason) {
        static final Decision ALLOW = new Decision(true, null);

        static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    private record Block(Cidr cidr, String reason) {
    }

    private static final List<Block> IPV4_DENIED = List.of(
            new Block(Cidr.parse("0.0.0.0/8"), "unspecified"),
            new Block(Cidr.parse("127.0.0.0/8"), "loopback"),
            new Block(Cidr.parse("10.0.0.0/8"), "private"),
            new Block(Cidr.parse("172.16.0.0/12"), "private"),
            new Block(Cidr.parse("192.168.0.0/16"), "private"),
            new Block(Cidr.parse("100.64.0.0/10"), "cgnat"),
            new Block(Cidr.parse("169.254.0.0/16"), "link_local"),
            new Block(Cidr.parse("192.0.0.0/24"), "reserved"),
            new Block(Cidr.parse("224.0.0.0/4"), "multicast"),
            new Block(Cidr.parse("240.0.0.0/4"), "broadcast"));

    private static final List<Block> IPV6_DENIED = List.of(
            new Block(Cidr.parse("::/128"), "unspecified"),
            new Block(Cidr.parse("::1/128"), "loopback"),
            new Block(Cidr.parse("fe80::/10"), "link_local"),
            new Block(Cidr.parse("fec0::/10"), "site_local"),
            new Block(Cidr.parse("fc00::/7"), "unique_local"),
            new Block(Cidr.parse("ff00::/8"), "multicast"),
            new Block(Cidr.parse("64:ff9b:1::/48"), "nat64_local"),
            new Block(Cidr.parse("100::/64"), "discard"));

    private final boolean allowLoopback;
    private final List<Cidr> allowed;
    private final List<Cidr> denied;
    private final Set<InetAddress> ownAddresses;
    private final Set<Integer> ownPorts;

    /**
     * @param allowLoopback lets 127/8 and ::1 through (tests only); never 0.0.0.0 or ::
     * @param allowed       operator blocks that override the built-in refusals (for example an internal media net)
     * @param denied        operator blocks refused in addition; they win over {@code allowed}
     * @param ownAddresses  the relay's own addresses (listen and relay addresses, interfaces when listening on any)
     * @param ownPorts      the relay's listener ports: a peer at own address and such a port is refused
     */
    public PeerAddressPolicy(boolean allowLoopback, List<Cidr> allowed, List<Cidr> denied,
                             Set<InetAddress> ownAddresses, Set<Integer> ownPorts) {
        this.allowLoopback = allowLoopback;
        this.allowed = List.copyOf(allowed);
        this.denied = List.copyOf(denied);
        List<InetAddress> normalisedOwn = new ArrayList<>();
        for (InetAddress own : ownAddresses) {
            normalisedOwn.add(toInet(normalise(own.getAddress())));
        }
        this.ownAddresses = Set.copyOf(normalisedOwn);
        this.ownPorts = Set.copyOf(ownPorts);
    }

    /** The decision for a permission, which covers a peer IP address on any port (RFC 8656 §9). */
    public Decision checkAddress(InetAddress address) {
        byte[] ip = normalise(address.getAddress());
        for (Cidr cidr : denied) {
            if (cidr.contains(ip)) {
                return Decision.deny("denied_cidr");
            }
        }
        for (Cidr cidr : allowed) {
            if (cidr.contains(ip) && !isUnspecified(ip)) {
                return Decision.ALLOW;
            }
        }
        for (Block block : ip.length == 4 ? IPV4_DENIED : IPV6_DENIED) {
            if (block.cidr().contains(ip)) {
                if (allowLoopback && block.reason().equals("loopback")) {
                    return Decision.ALLOW;
                }
                return Decision.deny(block.reason());
            }
        }
        return Decision.ALLOW;
    }

    /** The decision for one peer transport address: the address rules plus the relay's own listeners. */
    public Decision checkPeer(InetSocketAddress peer) {
        Decision byAddress = checkAddress(peer.getAddress());
        if (!byAddress.allowed()) {
            return byAddress;
        }
        if (ownPorts.contains(peer.getPort())
                && (ownAddresses.contains(toInet(normalise(peer.getAddress().getAddress())))
                || isLoopbackOrUnspecified(normalise(peer.getAddress().getAddress())))) {
            return Decision.deny("relay_self");
        }
        return Decision.ALLOW;
    }

    /**
     * The address a packet to {@code address} really reaches: IPv4 for every IPv6 form that embeds one
     * (IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96,
     * 6to4 2002::/16, Teredo 2001::/32 with its obfuscated client address); the input otherwise. For Teredo the
     * embedded client address is returned when it is the more restricted one, else the server address.
     */
    public static byte[] normalise(byte[] ip) {
        if (ip.length != 16) {
            return ip.clone();
        }
        if (allZero(ip, 0, 10) && (ip[10] & 0xFF) == 0xFF && (ip[11] & 0xFF) == 0xFF) {
            return slice(ip, 12); // ::ffff:a.b.c.d
        }
        if (allZero(ip, 0, 8) && (ip[8] & 0xFF) == 0xFF && (ip[9] & 0xFF) == 0xFF && allZero(ip, 10, 12)) {
            return slice(ip, 12); // ::ffff:0:a.b.c.d
        }
        if (allZero(ip, 0, 12) && !(allZero(ip, 12, 15) && (ip[15] == 0 || ip[15] == 1))) {
            return slice(ip, 12); // ::a.b.c.d, but :: and ::1 stay IPv6
        }
        if (ip[0] == 0 && ip[1] == 0x64 && (ip[2] & 0xFF) == 0xFF && (ip[3] & 0xFF) == 0x9B && allZero(ip, 4, 12)) {
            return slice(ip, 12); // 64:ff9b::a.b.c.d
        }
        if (ip[0] == 0x20 && ip[1] == 0x02) {
            return slice(ip, 2); // 2002:aabb:ccdd::/48
        }
        if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0 && ip[3] == 0) {
            byte[] client = slice(ip, 12);
            for (int i = 0; i < 4; i++) {
                client[i] ^= (byte) 0xFF;
            }
            byte[] server = slice(ip, 4);
            return isRestricted(client) || !isRestricted(server) ? client : server;
        }
        return ip.clone();
    }

    private static boolean isRestricted(byte[] ipv4) {
        for (Block block : IPV4_DENIED) {
            if (block.cidr().contains(ipv4)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnspecified(byte[] ip) {
        return ip.length == 4 ? ip[0] == 0 : allZero(ip, 0, 16);
    }

    private static boolean isLoopbackOrUnspecified(byte[] ip) {
        return isUnspecified(ip) || (ip.length == 4 ? ip[0] == 127 : allZero(ip, 0, 15) && ip[15] == 1);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        byte[] out = new byte[4];
        System.arraycopy(b, from, out, 0, 4);
        return out;
    }

    /** The InetAddress for normalised bytes; 16-byte input stays an Inet6Address. */
    public static InetAddress toInet(byte[] ip) {
        try {
            return ip.length == 4 ? InetAddress.getByAddress(ip) : java.net.Inet6Address.getByAddress(null, ip, -1);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
