package io.greenmesh.signaling.limits;

import io.greenmesh.signaling.session.TokenBucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-address and per-node bounds on what strangers can make a node spend: open connections per source address, open
 * sessions on the node, joins per second per address, rooms hosted by the node. Every refusal is counted in
 * {@code greenmesh_signaling_limit_refusals_total{limit}}.
 */
public final class NodeLimits {
  /** Beyond this many addresses with a join bucket, idle buckets are dropped (a full one would refill anyway). */
  private static final int MAX_TRACKED_ADDRESSES = 100_000;

  private final LimitSettings settings;
  private final Map<String, AtomicInteger> connectionsByIp = new ConcurrentHashMap<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Map<String, TokenBucket> joinsByIp = new ConcurrentHashMap<>();
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public NodeLimits(LimitSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
    for (String limit : new String[] {"connections-per-ip", "sessions-per-node", "joins-per-ip", "rooms-per-node",
        "detached-sessions-per-node"}) {
      refusal(limit);
    }
  }

  public LimitSettings settings() {
    return settings;
  }

  /** Takes a connection slot for {@code ip}; null when granted, else which limit refused it. */
  public String openConnection(String ip) {
    if (settings.sessionsPerNode() > 0 && sessions.incrementAndGet() > settings.sessionsPerNode()) {
      sessions.decrementAndGet();
      return refused("sessions-per-node");
    }
    if (settings.sessionsPerNode() <= 0) {
      sessions.incrementAndGet();
    }
    AtomicInteger count = connectionsByIp.computeIfAbsent(ip, k -> new AtomicInteger());
    if (settings.connectionsPerIp() > 0 && count.incrementAndGet() > settings.connectionsPerIp()) {
      count.decrementAndGet();
      sessions.decrementAndGet();
      return refused("connections-per-ip");
    }
    if (settings.connectionsPerIp() <= 0) {
      count.incrementAndGet();
    }
    return null;
  }

  public void closeConnection(String ip) {
    sessions.decrementAndGet();
    connectionsByIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** Connections {@code ip} holds open on this node now (native and PeerJS alike). */
  public int connectionsFrom(String ip) {
    AtomicInteger count = connectionsByIp.get(ip);
    return count == null ? 0 : count.get();
  }

  /** One join from {@code ip}: true when its bucket allows it. Called from session actors, so thread-safe. */
  public boolean tryJoin(String ip) {
    if (settings.joinsPerSecondPerIp() <= 0) {
      return true;
    }
    if (joinsByIp.size() > MAX_TRACKED_ADDRESSES) {
      joinsByIp.clear();
    }
    TokenBucket bucket = joinsByIp.computeIfAbsent(ip,
        k -> new TokenBucket(settings.joinsPerSecondPerIp(), settings.joinBurstPerIp(), System.nanoTime()));
    boolean ok;
    synchronized (bucket) {
      ok = bucket.tryTake(System.nanoTime());
    }
    if (!ok) {
      refused("joins-per-ip");
    }
    return ok;
  }

  /** Whether one more dropped session may wait (with its resume buffer) for its client, given how many wait now. */
  public boolean mayHoldAnotherDetachedSession(int waiting) {
    if (settings.detachedSessionsPerNode() > 0 && waiting >= settings.detachedSessionsPerNode()) {
      refused("detached-sessions-per-node");
      return false;
    }
    return true;
  }

  /** Whether this node may start hosting one more room, given how many it hosts now. */
  public boolean mayHostAnotherRoom(int hosted) {
    if (settings.roomsPerNode() > 0 && hosted > settings.roomsPerNode()) {
      refused("rooms-per-node");
      return false;
    }
    return true;
  }

  private String refused(String limit) {
    refusal(limit).increment();
    return limit;
  }

  private Counter refusal(String limit) {
    return refusals.computeIfAbsent(limit, l -> Counter.builder("greenmesh.signaling.limit.refusals")
        .description("requests refused by a resource limit, by limit").tag("limit", l).register(registry));
  }
}
