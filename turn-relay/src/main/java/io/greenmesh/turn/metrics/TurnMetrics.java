package io.greenmesh.turn.metrics;

import io.greenmesh.turn.server.ClientTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
        count(refused, "greenmesh.turn.allocations.refused", "Allocate requests refused", reason);
    }

    public void relayed(Direction direction, ClientTransport transport, int bytes) {
        relayedPackets[direction.ordinal()][transport.ordinal()].increment();
        relayedBytes[direction.ordinal()][transport.ordinal()].increment(bytes);
        relayedBytesTotal.add(bytes);
    }

    public void dropped(String reason) {
        count(dropped, "greenmesh.turn.dropped.packets", "Packets dropped, by reason", reason);
    }

    /** Monitor mode: a packet the encrypted-only check would have dropped, relayed anyway. */
    public void wouldDrop(String reason) {
        count(wouldDrop, "greenmesh.turn.policy.violations",
                "Packets the encrypted-only check flagged in monitor mode (relayed anyway)", reason);
    }

    public void authFailure(String reason) {
        count(authFailures, "greenmesh.turn.auth.failures", "Requests refused for their credentials", reason);
    }

    public void peerRefused(String reason) {
        count(peersRefused, "greenmesh.turn.peers.refused", "Peer addresses refused by the address policy", reason);
    }

    /** Total application bytes relayed in both directions since start: the carbon accounting input. */
    public LongSupplier relayedBytesTotal() {
        return relayedBytesTotal::sum;
    }

    public int activeAllocations() {
        return activeAllocations.get();
    }

    private void count(Map<String, Counter> counters, String name, String description, String reason) {
        Counter counter = counters.get(reason);
        if (counter == null) {
            counter = counters.computeIfAbsent(reason, r -> Counter.builder(name).description(description)
                    .tag("reason", r).register(registry));
        }
        counter.increment();
    }
}
