package io.greenmesh.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.turn.policy.Cidr;
import io.greenmesh.turn.policy.EnforcementMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** reference.conf: the defaults, the GREENMESH_TURN_* overrides, and the Prometheus names of the meters. */
class TurnSettingsTest {

    /**
     * reference.conf resolved as if these environment variables were set: {@code ${?X}} looks at the config root
     * before the environment, so root keys stand in for variables.
     */
    private static TurnSettings withEnvironment(Map<String, String> env) {
        Config reference = ConfigFactory.parseResources("reference.conf");
        return TurnSettings.fromConfig(ConfigFactory.parseMap(env).withFallback(reference).resolve());
    }

    @Test
    void defaultsAreTheRfcOnes() {
        TurnSettings s = withEnvironment(Map.of());
        assertTrue(s.enabled());
        assertEquals(3478, s.port());
        assertEquals(5349, s.tlsPort());
        assertFalse(s.tlsEnabled(), "TLS is off until a certificate is configured");
        assertEquals(EnforcementMode.ENFORCE, s.mode());
        assertFalse(s.allowLoopbackPeers());
        assertEquals(Duration.ofSeconds(600), s.defaultLifetime());
        assertEquals(Duration.ofSeconds(3600), s.maxLifetime());
        assertEquals(Duration.ofSeconds(300), s.permissionLifetime());
        assertEquals(Duration.ofSeconds(600), s.channelLifetime());
        // RFC 5766's channel range by default: libwebrtc and coturn's client pick numbers up to 0x7FFF.
        assertEquals(0x7FFF, s.maxChannelNumber());
        assertEquals(List.of(), s.secrets());
        assertEquals(9641, s.metricsPort());
    }

    @Test
    void theAbuseLimitsAreSizedForAFullRoomAndAnOfficeBehindOneAddress() {
        TurnSettings s = withEnvironment(Map.of());
        assertEquals("0.0.0.0", s.host(), "every local address, each answering from itself");
        assertEquals(64, s.maxAllocationsPerUser(), "(16 - 1) connections x 2 TURN URLs x 2 unbundled = 60, rounded up");
        assertEquals(1200, s.unauthenticatedBurst(), "20 browsers x 60 challenges at once");
        assertEquals(120.0, s.unauthenticatedRate(), "refills that burst in 10 s");
        assertEquals(3.0, s.unauthenticatedAmplification(), "QUIC's bound; 3 x Chrome's 28-byte Allocate >= the 401");
    }

    @Test
    void everySettingTheNodeNeedsIsOverriddenByItsEnvironmentVariable() {
        TurnSettings s = withEnvironment(Map.ofEntries(
                Map.entry("GREENMESH_TURN_ENABLED", "false"),
                Map.entry("GREENMESH_TURN_PORT", "13478"),
                Map.entry("GREENMESH_TURN_TLS_PORT", "15349"),
                Map.entry("GREENMESH_TURN_HOST", "127.0.0.1"),
                Map.entry("GREENMESH_TURN_RELAY_ADDRESS", "203.0.113.7"),
                Map.entry("GREENMESH_TURN_RELAY_PORT_MIN", "50000"),
                Map.entry("GREENMESH_TURN_RELAY_PORT_MAX", "50100"),
                Map.entry("GREENMESH_TURN_SECRET", "new, old"),
                Map.entry("GREENMESH_TURN_REALM", "example.org"),
                Map.entry("GREENMESH_TURN_MODE", "monitor"),
                Map.entry("GREENMESH_TURN_ALLOW_LOOPBACK_PEERS", "true"),
                Map.entry("GREENMESH_TURN_ALLOWED_PEERS", "10.20.0.0/16"),
                Map.entry("GREENMESH_TURN_DENIED_PEERS", "198.51.100.0/24, 2001:db8::/32"),
                Map.entry("GREENMESH_TURN_MAX_ALLOCATIONS_PER_USER", "3"),
                Map.entry("GREENMESH_TURN_TLS_CERT", "/etc/turn/cert.pem"),
                Map.entry("GREENMESH_TURN_TLS_KEY", "/etc/turn/key.pem"),
                Map.entry("GREENMESH_TURN_METRICS_PORT", "19641")));
        assertFalse(s.enabled());
        assertEquals(13478, s.port());
        assertEquals(15349, s.tlsPort());
        assertEquals("127.0.0.1", s.host());
        assertEquals("203.0.113.7", s.relayAddress());
        assertEquals(50000, s.relayPortMin());
        assertEquals(50100, s.relayPortMax());
        assertEquals(List.of("new", "old"), s.secrets(), "the first secret signs, all verify");
        assertEquals("example.org", s.realm());
        assertEquals(EnforcementMode.MONITOR, s.mode());
        assertTrue(s.allowLoopbackPeers());
        assertEquals(List.of(Cidr.parse("10.20.0.0/16")), s.allowedPeers());
        assertEquals(List.of(Cidr.parse("198.51.100.0/24"), Cidr.parse("2001:db8::/32")), s.deniedPeers());
        assertEquals(3, s.maxAllocationsPerUser());
        assertTrue(s.tlsEnabled());
        assertEquals(19641, s.metricsPort());
        assertFalse(s.toString().contains("old"), "secrets never printed");
    }

    @Test
    void aWildcardListenerNeedsAnAdvertisedRelayAddress() {
        TurnSettings s = withEnvironment(Map.of("GREENMESH_TURN_SECRET", "s", "GREENMESH_TURN_PORT", "0"));
        TurnServerException e = assertThrows(TurnServerException.class, () -> TurnServer.start(s, new SimpleMeterRegistry()));
        assertTrue(e.getMessage().contains("GREENMESH_TURN_RELAY_ADDRESS"), e.getMessage());
    }

    @Test
    void aDisabledRelayBindsNothing() {
        TurnServer server = TurnServer.start(withEnvironment(Map.of("GREENMESH_TURN_ENABLED", "false")),
                new SimpleMeterRegistry());
        assertEquals(-1, server.udpPort());
        server.close();
    }

    @Test
    void metersRenderWithThePrometheusNamesDashboardsUse() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TurnFixture turn = new TurnFixture(); TestTurnClient client = turn.udpClient()) {
            // Same meters, registered again on a Prometheus registry through a second relay.
            try (TurnServer second = TurnServer.start(turn.settings, prometheus)) {
                try (TestTurnClient other = TestTurnClient.udp(second.udpPort())
                        .credentials(TurnFixture.SECRET, System.currentTimeMillis() / 1000 + 60, "p")) {
                    other.allocate();
                    other.channelBind(0x4000, turn.peerAddress());
                    other.sendChannelData(0x4000, "plain".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    other.sendChannelData(0x4000, TurnFixture.DTLS_HANDSHAKE);
                    turn.peerReceive(2000);
                }
                List<String> expected = List.of("greenmesh_turn_allocations_active",
                        "greenmesh_turn_allocations_granted_total", "greenmesh_turn_allocations_expired_total",
                        "greenmesh_turn_relayed_packets_total{direction=\"client_to_peer\",transport=\"udp\"} 1",
                        "greenmesh_turn_relayed_bytes_total{direction=\"client_to_peer\",transport=\"udp\"} 18",
                        "greenmesh_turn_dropped_packets_total{reason=\"plaintext\"} 1",
                        "greenmesh_turn_auth_failures_total{reason=\"missing_credentials\"}");
                String text = prometheus.scrape();
                long deadline = System.nanoTime() + 2_000_000_000L; // counters move just after the packet leaves
                while (!expected.stream().allMatch(text::contains) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    text = prometheus.scrape();
                }
                for (String name : expected) {
                    assertTrue(text.contains(name), name + " in\n" + text);
                }
                Matcher labels = Pattern.compile("greenmesh_turn_\\w+\\{([^}]*)}").matcher(text);
                while (labels.find()) {
                    assertTrue(labels.group(1).matches("((direction|transport|reason)=\"[a-z_0-9]+\",?)+"),
                            "only low-cardinality labels: " + labels.group());
                }
            }
        }
    }
}
