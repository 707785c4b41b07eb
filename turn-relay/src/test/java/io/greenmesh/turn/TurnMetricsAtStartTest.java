package io.greenmesh.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.policy.PayloadVerdict;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A fresh relay, before any traffic: every counter with a known label value is a series at 0, for dashboards. */
class TurnMetricsAtStartTest {

    @Test
    void everyReasonOfEveryCounterIsAZeroSeriesBeforeTheFirstPacket() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new TurnMetrics(prometheus);
        String text = prometheus.scrape();
        List<String> series = new ArrayList<>();
        TurnMetrics.REFUSED_REASONS.forEach(r -> series.add("greenmesh_turn_allocations_refused_total{reason=\"" + r));
        TurnMetrics.DROPPED_REASONS.forEach(r -> series.add("greenmesh_turn_dropped_packets_total{reason=\"" + r));
        TurnMetrics.AUTH_FAILURE_REASONS.forEach(r -> series.add("greenmesh_turn_auth_failures_total{reason=\"" + r));
        TurnMetrics.PEER_REFUSED_REASONS.forEach(r -> series.add("greenmesh_turn_peers_refused_total{reason=\"" + r));
        for (PayloadVerdict verdict : PayloadVerdict.values()) {
            if (!verdict.relay()) {
                series.add("greenmesh_turn_dropped_packets_total{reason=\"" + verdict.label());
                series.add("greenmesh_turn_policy_violations_total{reason=\"" + verdict.label());
            }
        }
        series.add("greenmesh_turn_relayed_packets_total{direction=\"peer_to_client\",transport=\"tls");
        series.add("greenmesh_turn_allocations_granted_total");
        series.add("greenmesh_turn_allocations_expired_total");
        for (String s : series) {
            assertTrue(text.contains(s + (s.endsWith("_total") ? " 0.0" : "\"} 0.0")), s + " at 0 in\n" + text);
        }
        assertTrue(text.contains("greenmesh_turn_allocations_refused_total{reason=\"user_quota\"} 0.0"));
    }

    /** A reason counted somewhere in the relay but not registered at start would appear only after its first event. */
    @Test
    void everyReasonTheRelayCountsIsRegisteredAtStart() throws IOException {
        Set<String> known = new TreeSet<>();
        known.addAll(TurnMetrics.REFUSED_REASONS);
        known.addAll(TurnMetrics.DROPPED_REASONS);
        known.addAll(TurnMetrics.AUTH_FAILURE_REASONS);
        known.addAll(TurnMetrics.PEER_REFUSED_REASONS);
        Pattern counted = Pattern.compile(
                "(?:allocationRefused|dropped|authFailure|peerRefused|deny|Rejected|Block)\\([^;]*?\"([a-z_0-9]+)\"");
        Set<String> unknown = new TreeSet<>();
        Set<String> found = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = counted.matcher(Files.readString(source));
                while (m.find()) {
                    Matcher literal = Pattern.compile("\"([a-z_0-9]+)\"").matcher(m.group());
                    while (literal.find()) {
                        found.add(literal.group(1));
                        if (!known.contains(literal.group(1))) {
                            unknown.add(source.getFileName() + ": " + literal.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(found.size() > 40, "the scan sees the relay's reasons: " + found);
        assertEquals(Set.of(), unknown, "reasons counted but not registered at zero in TurnMetrics");
    }
}
