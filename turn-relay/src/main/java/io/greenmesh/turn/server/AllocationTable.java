package io.greenmesh.turn.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** All allocations, by 5-tuple, with the per-user and total quotas (RFC 8656 §7.2 step 10: 486). */
public final class AllocationTable {

    private final Map<FiveTuple, Allocation> byTuple = new ConcurrentHashMap<>();
    /** UDP clients all talk to the same listener address, so the client address alone finds them on the data path. */
    private final Map<InetSocketAddress, Allocation> udpByClient = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final int maxPerUser;
    private final int maxTotal;

    public AllocationTable(int maxPerUser, int maxTotal) {
        this.maxPerUser = maxPerUser;
        this.maxTotal = maxTotal;
    }

    public Allocation get(FiveTuple tuple) {
        return byTuple.get(tuple);
    }

    /** The data path's lookup for a UDP client; allocation-free. */
    public Allocation udp(InetSocketAddress client) {
        return udpByClient.get(client);
    }

    public int size() {
        return byTuple.size();
    }

    /** Takes one slot of the quotas for {@code username}; returns the refusal reason, or null when granted. */
    String reserve(String username) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return "total_quota";
        }
        AtomicInteger count = perUser.computeIfAbsent(username, u -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerUser) {
            count.decrementAndGet();
            total.decrementAndGet();
            return "user_quota";
        }
        return null;
    }

    /** Gives back a slot taken by {@link #reserve(String)}. */
    void release(String username) {
        total.decrementAndGet();
        perUser.computeIfPresent(username, (u, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    void add(Allocation allocation) {
        byTuple.put(allocation.fiveTuple(), allocation);
        if (allocation.fiveTuple().transport() == ClientTransport.UDP) {
            udpByClient.put(allocation.fiveTuple().client(), allocation);
        }
    }

    /** Removes and closes; true only for the caller that actually removed it. */
    boolean remove(Allocation allocation) {
        if (!byTuple.remove(allocation.fiveTuple(), allocation)) {
            return false;
        }
        udpByClient.remove(allocation.fiveTuple().client(), allocation);
        release(allocation.username());
        allocation.close();
        return true;
    }

    List<Allocation> snapshot() {
        return List.copyOf(byTuple.values());
    }
}
