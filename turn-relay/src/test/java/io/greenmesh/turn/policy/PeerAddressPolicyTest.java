package io.greenmesh.turn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The SSRF defence: every way of writing a forbidden address is refused, public peers pass. */
class PeerAddressPolicyTest {

    private static final PeerAddressPolicy DEFAULT = new PeerAddressPolicy(false, List.of(), List.of(),
            Set.of(address("203.0.113.10")), Set.of(3478, 5349));

    private static InetAddress address(String text) {
        try {
            byte[] raw = InetAddress.getByName(text).getAddress();
            // Keep IPv6 forms as IPv6: InetAddress would silently turn ::ffff:a.b.c.d into IPv4 for us.
            return raw.length == 16 ? java.net.Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String reason(PeerAddressPolicy policy, String text) {
        PeerAddressPolicy.Decision d = policy.checkAddress(rawIpv6OrIpv4(text));
        return d.allowed() ? "allowed" : d.reason();
    }

    /** Builds the literal address bytes without Java's IPv4-mapped conversion. */
    private static InetAddress rawIpv6OrIpv4(String text) {
        if (text.startsWith("::ffff:") && !text.substring(7).contains(":")) {
            byte[] v4 = address(text.substring(7)).getAddress();
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xFF;
            v6[11] = (byte) 0xFF;
            System.arraycopy(v4, 0, v6, 12, 4);
            try {
                return java.net.Inet6Address.getByAddress(null, v6, -1);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return address(text);
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
            "0.0.0.0, unspecified", "0.1.2.3, unspecified", "::, unspecified",
            "127.0.0.1, loopback", "127.255.255.254, loopback", "::1, loopback",
            "10.1.2.3, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.1.1, private",
            "100.64.0.1, cgnat", "100.127.255.255, cgnat",
            "169.254.169.254, link_local", "fe80::1, link_local",
            "224.0.0.1, multicast", "239.255.255.250, multicast", "ff02::1, multicast",
            "255.255.255.255, broadcast", "240.0.0.1, broadcast",
            "fc00::1, unique_local", "fd12:3456::1, unique_local",
            // IPv4-mapped (CVE-2026-27624) and every other IPv6 form that embeds IPv4:
            "::ffff:127.0.0.1, loopback", "::ffff:0.0.0.0, unspecified", "::ffff:10.0.0.1, private",
            "::ffff:169.254.169.254, link_local",
            "::ffff:0:127.0.0.1, loopback",
            "::127.0.0.1, loopback", "::10.0.0.1, private", "::0.0.0.2, unspecified",
            "64:ff9b::7f00:1, loopback", "64:ff9b::a9fe:a9fe, link_local", "64:ff9b:1::1, nat64_local",
            "2002:7f00:1::, loopback", "2002:c0a8:101::1, private", "2002:0:0::1, unspecified",
            "2001:0:4136:e378:8000:63bf:80ff:fffe, loopback", // Teredo, client 127.0.0.1 obfuscated
            "2001:0:a00:1:8000:63bf:3fff:fdd2, private",       // Teredo, server 10.0.0.1
    })
    void forbiddenAddressesInEveryFormAreRefused(String peer, String expectedReason) {
        assertEquals(expectedReason, reason(DEFAULT, peer));
    }

    @ParameterizedTest
    @CsvSource({"8.8.8.8", "203.0.113.5", "2001:db8::1", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:808:808::1", "100.63.255.255", "100.128.0.0", "172.32.0.1"})
    void publicAddressesPass(String peer) {
        assertEquals("allowed", reason(DEFAULT, peer));
    }

    @Test
    void allowLoopbackPeersLetsLoopbackThroughButNeverTheUnspecifiedAddress() {
        PeerAddressPolicy tests = new PeerAddressPolicy(true, List.of(), List.of(), Set.of(), Set.of(3478));
        assertEquals("allowed", reason(tests, "127.0.0.1"));
        assertEquals("allowed", reason(tests, "::ffff:127.0.0.1"));
        assertEquals("allowed", reason(tests, "::1"));
        assertEquals("unspecified", reason(tests, "0.0.0.0"));
        assertEquals("unspecified", reason(tests, "::"));
        assertEquals("private", reason(tests, "10.0.0.1"));
    }

    @Test
    void operatorListsOverrideBuiltInsAndDenyWinsOverAllow() {
        PeerAddressPolicy policy = new PeerAddressPolicy(false, List.of(Cidr.parse("10.20.0.0/16")),
                List.of(Cidr.parse("10.20.30.0/24"), Cidr.parse("198.51.100.0/24")), Set.of(), Set.of());
        assertEquals("allowed", reason(policy, "10.20.1.1"));
        assertEquals("allowed", reason(policy, "::ffff:10.20.1.1"));
        assertEquals("denied_cidr", reason(policy, "10.20.30.1"));
        assertEquals("denied_cidr", reason(policy, "::ffff:198.51.100.7"), "IPv4 deny lists match mapped IPv6");
        assertEquals("denied_cidr", reason(policy, "64:ff9b::c633:6407"), "and NAT64");
        assertEquals("private", reason(policy, "10.21.0.1"));
    }

    @Test
    void theRelaysOwnListenersAreNotAPeer() {
        assertEquals("relay_self", DEFAULT.checkPeer(new InetSocketAddress(address("203.0.113.10"), 3478)).reason());
        assertTrue(DEFAULT.checkPeer(new InetSocketAddress(address("203.0.113.10"), 50000)).allowed(),
                "another allocation's relayed address on this server is a legitimate peer");
        PeerAddressPolicy loopbackTests = new PeerAddressPolicy(true, List.of(), List.of(),
                Set.of(address("127.0.0.1")), Set.of(3478));
        assertEquals("relay_self", loopbackTests.checkPeer(new InetSocketAddress(address("127.0.0.2"), 3478)).reason());
        assertTrue(loopbackTests.checkPeer(new InetSocketAddress(address("127.0.0.1"), 40000)).allowed());
    }
}
