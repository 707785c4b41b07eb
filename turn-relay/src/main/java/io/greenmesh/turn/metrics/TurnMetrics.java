package io.greenmesh.turn.metrics;

import io.greenmesh.turn.policy.PayloadVerdict;
import io.greenmesh.turn.server.ClientTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
 * counters are created up front or once per reason.
 */
public final class TurnMetrics {

    /** Which way a relayed packet went. */
    public enum Direction {
        CLIENT_TO_PEER("client_to_peer"), PEER_TO_CLIENT("peer_to_client");

        private final String label;

        Direction(String label) {
            this.label = label;
        }
    }

    // Registered at zero from the start, so that the dashboard's panels have series on a relay with no traffic yet.
    private static final List<String> ALLOCATION_REFUSALS = List.of("user_quota", "total_quota", "no_relay_port",
            "bad_request", "mismatch", "unsupported_transport", "address_family", "bad_reservation");
    private static final List<String> AUTH_FAILURES = List.of("missing_credentials", "wrong_credentials",
            "bad_username", "expired_username", "bad_integrity", "stale_nonce", "invalid_nonce", "wrong_realm",
            "bad_request");

    private static final String REFUSED = "greenmesh.turn.allocations.refused";
    private static final String REFUSED_HELP = "Allocate requests refused";
    private static final String DROPPED = "greenmesh.turn.dropped.packets";
    private static final String DROPPED_HELP = "Packets dropped, by reason";
    private static final String AUTH_FAILED = "greenmesh.turn.auth.failures";
    private static final String AUTH_FAILED_HELP = "Requests refused for their credentials";

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
        ALLOCATION_REFUSALS.forEach(r -> counter(refused, REFUSED, REFUSED_HELP, r));
        AUTH_FAILURES.forEach(r -> counter(authFailures, AUTH_FAILED, AUTH_FAILED_HELP, r));
        for (PayloadVerdict verdict : PayloadVerdict.values()) {
            if (!verdict.relay()) { // what the encrypted-only check drops
                counter(dropped, DROPPED, DROPPED_HELP, verdict.label());
            }
        }
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
        counter(refused, REFUSED, REFUSED_HELP, reason).increment();
    }

    public void relayed(Direction direction, ClientTransport transport, int bytes) {
        relayedPackets[direction.ordinal()][transport.ordinal()].increment();
        relayedBytes[direction.ordinal()][transport.ordinal()].increment(bytes);
        relayedBytesTotal.add(bytes);
    }

    public void dropped(String reason) {
        counter(dropped, DROPPED, DROPPED_HELP, reason).increment();
    }

    /** Monitor mode: a packet the encrypted-only check would have dropped, relayed anyway. */
    public void wouldDrop(String reason) {
        counter(wouldDrop, "greenmesh.turn.policy.violations",
                "Packets the encrypted-only check flagged in monitor mode (relayed anyway)", reason).increment();
    }

    public void authFailure(String reason) {
        counter(authFailures, AUTH_FAILED, AUTH_FAILED_HELP, reason).increment();
    }

    public void peerRefused(String reason) {
        counter(peersRefused, "greenmesh.turn.peers.refused", "Peer addresses refused by the address policy", reason)
                .increment();
    }

    /** Total application bytes relayed in both directions since start: the carbon accounting input. */
    public LongSupplier relayedBytesTotal() {
        return relayedBytesTotal::sum;
    }

    public int activeAllocations() {
        return activeAllocations.get();
    }

    private Counter counter(Map<String, Counter> counters, String name, String description, String reason) {
        Counter counter = counters.get(reason);
        if (counter == null) {
            counter = counters.computeIfAbsent(reason, r -> Counter.builder(name).description(description)
                    .tag("reason", r).register(registry));
        }
        return counter;
    }
}
