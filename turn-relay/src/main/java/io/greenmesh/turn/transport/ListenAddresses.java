package io.greenmesh.turn.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The addresses the UDP listeners bind, one socket set each. A UDP socket bound to a wildcard address answers from
 * whichever source address the kernel picks for the route back, not from the address the request was sent to, and
 * STUN/TURN clients (libwebrtc, Firefox) drop such answers. Neither the JDK nor Netty 4.1's epoll transport can set
 * a datagram's source address (IP_PKTINFO on send), so, as coturn does with its listening-ip list, a wildcard
 * {@code host} is served by one socket per local address of that family.
 */
final class ListenAddresses {

    private ListenAddresses() {
    }

    /**
     * {@code host} itself when it is a specific address; for {@code 0.0.0.0} every IPv4 address of the interfaces
     * that are up, for {@code ::} every IPv4 and IPv6 address. IPv6 link-local addresses are left out (a TURN URL
     * cannot name their zone).
     */
    static Set<InetAddress> of(InetAddress host) {
        if (!host.isAnyLocalAddress()) {
            return Set.of(host);
        }
        boolean ipv6 = host instanceof Inet6Address;
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address || ipv6 && !address.isLinkLocalAddress()) {
                        addresses.add(withoutScope(address));
                    }
                }
            }
        } catch (SocketException e) {
            // Keep what was found; the next re-scan tries again.
        }
        return addresses;
    }

    /** Global IPv6 addresses carry the interface as scope: the same address without it, so sets compare equal. */
    private static InetAddress withoutScope(InetAddress address) {
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(v6.getAddress());
            } catch (java.net.UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    /** Whether {@code address} can be bound here: a loopback address or one of an interface's. */
    static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
