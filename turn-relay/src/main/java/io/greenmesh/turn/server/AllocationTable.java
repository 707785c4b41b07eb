package io.greenmesh.turn.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All allocations, by 5-tuple, with the per-user and total quotas (RFC 8656 §7.2 step 10: 486) and the users they
 * belong to. A user that saw a DTLS handshake is remembered for a while after its last allocation ends, so that an
 * ICE restart onto fresh allocations keeps its media (see {@link TurnUser}).
 */
public final class AllocationTable {

    private final Map<FiveTuple, Allocation> byTuple = new ConcurrentHashMap<>();
    /** UDP clients all talk to the same listener address, so the client address alone finds them on the data path. */
    private final Map<InetSocketAddress, Allocation> udpByClient = new ConcurrentHashMap<>();
    private final Map<String, TurnUser> users = new ConcurrentHashMap<>();
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

    /**
     * Takes one slot of the quotas for {@code username}; returns the refusal reason, or null when granted (then
     * {@link #user(String)} holds it until {@link #release(String)}).
     */
    String reserve(String username) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return "total_quota";
        }
        boolean[] granted = {false};
        users.compute(username, (name, user) -> {
            TurnUser u = user != null ? user : new TurnUser(name);
            if (u.allocations() < maxPerUser) {
                u.allocations(u.allocations() + 1);
                granted[0] = true;
            }
            return u.allocations() == 0 && !u.dtlsSeen() ? null : u;
        });
        if (!granted[0]) {
            total.decrementAndGet();
            return "user_quota";
        }
        return null;
    }

    /** The user a granted {@link #reserve(String)} holds a slot for. */
    TurnUser user(String username) {
        return users.get(username);
    }

    /** Gives back a slot taken by {@link #reserve(String)}; a user with a DTLS mark stays for {@link #forgetIdleUsers}. */
    void release(String username) {
        total.decrementAndGet();
        users.computeIfPresent(username, (name, user) -> {
            user.allocations(user.allocations() - 1);
            return user.allocations() <= 0 && !user.dtlsSeen() ? null : user;
        });
    }

    /** Reaper: forgets users that have held no allocation for {@code memoryMillis}. */
    void forgetIdleUsers(long memoryMillis, long nowMillis) {
        for (String name : users.keySet()) {
            users.computeIfPresent(name, (n, user) -> user.idleLongerThan(memoryMillis, nowMillis) ? null : user);
        }
    }

    int users() {
        return users.size();
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
