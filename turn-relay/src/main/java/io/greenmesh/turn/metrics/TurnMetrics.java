package io.greenmesh.turn.metrics;

import io.greenmesh.turn.policy.PayloadVerdict;
import io.greenmesh.turn.server.ClientTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The relay's Micrometer meters, named so that the Prometheus registry renders them as
 * {@code greenmesh_turn_*}. They are updated as packets pass (never at session end) and carry only
 * low-cardinality labels: direction, transport and a fixed set of reasons. Per-packet updates do not allocate:
 * counters are created up front or once per reason. Every reason the relay can count is registered at zero on
 * start, so that a dashboard panel and a rate() have a series before the first event.
 */
public final class TurnMetrics {

    /** Reasons of {@code greenmesh_turn_allocations_refused_total}. */
    public static final List<String> REFUSED_REASONS = List.of("user_quota", "total_quota", "no_relay_port",
            "bad_reservation", "mismatch", "bad_request", "unsupported_transport", "address_family");
    /** Reasons of {@code greenmesh_turn_dropped_packets_total} besides the encrypted-only check's verdicts. */
    public static final List<String> DROPPED_REASONS = List.of("no_allocation", "no_permission", "no_channel",
            "bandwidth", "malformed_request", "malformed_channel_data", "bad_send_indication", "bad_stream_frame",
            "not_turn", "unexpected_indication", "unexpected_response", "unauthenticated_budget", "forbidden_peer",
            "client_unreachable", "connection_limit", "send_error", "stream_error", "internal_error");
    /** Reasons of {@code greenmesh_turn_auth_failures_total}. */
    public static final List<String> AUTH_FAILURE_REASONS = List.of("missing_credentials", "bad_request",
            "wrong_realm", "stale_nonce", "invalid_nonce", "wrong_credentials", "bad_username", "expired_username",
            "bad_integrity");
    /** Reasons of {@code greenmesh_turn_peers_refused_total}: the address policy's and the request handler's. */
    public static final List<String> PEER_REFUSED_REASONS = List.of("unspecified", "loopback", "private", "cgnat",
            "link_local", "reserved", "multicast", "broadcast", "site_local", "unique_local", "discard", "nat64_local",
            "denied_cidr", "relay_self", "family_mismatch", "permission_quota");

    /** Which way a relayed packet went. */
    public enum Direction {
        CLIENT_TO_PEER("client_to_peer"), PEER_TO_CLIENT("peer_to_client");

        private final String label;

        Direction(String label) {
            this.label = label;
        }
    }

    private final MeterRegistry registry;
    private final AtomicInteger activeAllocations = new AtomicInteger();
    private final Counter allocationsCreated;
    private final Counter allocationsExpired;
    private final Counter[][] relayedPackets;
    private final Counter[][] relayedBytes;
    private final LongAdder relayedBytesTotal = new LongAdder();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> wouldDrop = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> peersRefused = new ConcurrentHashMap<>();

    public TurnMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("greenmesh.turn.allocations.active", activeAllocations, AtomicInteger::get)
                .description("Allocations currently alive").register(registry);
        // Not "...created": Prometheus client 1.x reserves the _created suffix and would render
        // greenmesh_turn_allocations_total instead.
        allocationsCreated = Counter.builder("greenmesh.turn.allocations.granted")
                .description("Allocations granted").register(registry);
        allocationsExpired = Counter.builder("greenmesh.turn.allocations.expired")
                .description("Allocations ended by lifetime expiry or idleness (not by the client)").register(registry);
        Direction[] directions = Direction.values();
        ClientTransport[] transports = ClientTransport.values();
        relayedPackets = new Counter[directions.length][transports.length];
        relayedBytes = new Counter[directions.length][transports.length];
        for (Direction d : directions) {
            for (ClientTransport t : transports) {
                relayedPackets[d.ordinal()][t.ordinal()] = Counter.builder("greenmesh.turn.relayed.packets")
                        .description("Application packets relayed").tag("direction", d.label)
                        .tag("transport", t.label()).register(registry);
                relayedBytes[d.ordinal()][t.ordinal()] = Counter.builder("greenmesh.turn.relayed.bytes")
                        .description("Application payload bytes relayed (without TURN framing)")
                        .tag("direction", d.label).tag("transport", t.label()).register(registry);
            }
        }
        List<String> verdicts = Arrays.stream(PayloadVerdict.values()).filter(v -> !v.relay())
                .map(PayloadVerdict::label).distinct().toList();
        REFUSED_REASONS.forEach(r -> register(refused, REFUSED, r));
        DROPPED_REASONS.forEach(r -> register(dropped, DROPPED, r));
        verdicts.forEach(r -> register(dropped, DROPPED, r));
        verdicts.forEach(r -> register(wouldDrop, WOULD_DROP, r));
        AUTH_FAILURE_REASONS.forEach(r -> register(authFailures, AUTH_FAILURES, r));
        PEER_REFUSED_REASONS.forEach(r -> register(peersRefused, PEERS_REFUSED, r));
    }

    public void allocationCreated() {
        allocationsCreated.increment();
        activeAllocations.incrementAndGet();
    }

    /** An allocation ended; {@code expired} when by lifetime or idleness rather than a Refresh with lifetime 0. */
    public void allocationEnded(boolean expired) {
        activeAllocations.decrementAndGet();
        if (expired) {
            allocationsExpired.increment();
        }
    }

    public void allocationRefused(String reason) {
        count(refused, REFUSED, reason);
    }

    public void relayed(Direction direction, ClientTransport transport, int bytes) {
        relayedPackets[direction.ordinal()][transport.ordinal()].increment();
        relayedBytes[direction.ordinal()][transport.ordinal()].increment(bytes);
        relayedBytesTotal.add(bytes);
    }

    public void dropped(String reason) {
        count(dropped, DROPPED, reason);
    }

    /** Monitor mode: a packet the encrypted-only check would have dropped, relayed anyway. */
    public void wouldDrop(String reason) {
        count(wouldDrop, WOULD_DROP, reason);
    }

    public void authFailure(String reason) {
        count(authFailures, AUTH_FAILURES, reason);
    }

    public void peerRefused(String reason) {
        count(peersRefused, PEERS_REFUSED, reason);
    }

    /** Total application bytes relayed in both directions since start: the carbon accounting input. */
    public LongSupplier relayedBytesTotal() {
        return relayedBytesTotal::sum;
    }

    public int activeAllocations() {
        return activeAllocations.get();
    }

    /** A counter family labelled by reason. */
    private record Family(String name, String description) {
    }

    private static final Family REFUSED = new Family("greenmesh.turn.allocations.refused",
            "Allocate requests refused");
    private static final Family DROPPED = new Family("greenmesh.turn.dropped.packets", "Packets dropped, by reason");
    private static final Family WOULD_DROP = new Family("greenmesh.turn.policy.violations",
            "Packets the encrypted-only check flagged in monitor mode (relayed anyway)");
    private static final Family AUTH_FAILURES = new Family("greenmesh.turn.auth.failures",
            "Requests refused for their credentials");
    private static final Family PEERS_REFUSED = new Family("greenmesh.turn.peers.refused",
            "Peer addresses refused by the address policy");

    private void count(Map<String, Counter> counters, Family family, String reason) {
        Counter counter = counters.get(reason);
        if (counter == null) {
            counter = register(counters, family, reason);
        }
        counter.increment();
    }

    private Counter register(Map<String, Counter> counters, Family family, String reason) {
        return counters.computeIfAbsent(reason, r -> Counter.builder(family.name()).description(family.description())
                .tag("reason", r).register(registry));
    }
}
