package io.greenmesh.signaling.peerjs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's {@code greenmesh_peerjs_*} meters. Labels are small fixed sets (message types, reasons, connection
 * kinds), never keys or peer ids.
 */
public final class PeerJsMetrics {
  private static final Set<String> CLIENT_TYPES = Set.of(PeerJsMessage.HEARTBEAT, PeerJsMessage.OFFER,
      PeerJsMessage.ANSWER, PeerJsMessage.CANDIDATE, PeerJsMessage.LEAVE, PeerJsMessage.EXPIRE);
  private static final Set<String> CONNECTION_TYPES = Set.of("media", "data");

  private final MeterRegistry registry;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger registered = new AtomicInteger();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public PeerJsMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("greenmesh.peerjs.connections", connections);
    registry.gauge("greenmesh.peerjs.peers.registered", registered);
  }

  /** Open PeerJS WebSockets on this node. */
  AtomicInteger connections() {
    return connections;
  }

  /** Connections on this node that currently speak for their id (the concurrent limit counts these). */
  AtomicInteger registered() {
    return registered;
  }

  void received(String type) {
    count("greenmesh.peerjs.messages.received", "frames received from PeerJS clients, by type",
        "type", CLIENT_TYPES.contains(type) ? type : "other");
  }

  /** Frames sent to clients: OPEN, ERROR, ID-TAKEN and the relayed types. */
  void sent(String type) {
    count("greenmesh.peerjs.messages.sent", "frames sent to PeerJS clients, by type",
        "type", CLIENT_TYPES.contains(type) || type.equals(PeerJsMessage.OPEN) || type.equals(PeerJsMessage.ERROR)
            || type.equals(PeerJsMessage.ID_TAKEN) ? type : "other");
  }

  /** Frames dropped without an answer, as the PeerJS server drops them (invalid JSON, unknown type...). */
  void ignored(String reason) {
    count("greenmesh.peerjs.messages.ignored", "frames from PeerJS clients dropped unanswered, by reason",
        "reason", reason);
  }

  /** A message over its connection's budget, held back (the socket's reads paused) until it refills; none dropped. */
  void throttled() {
    count("greenmesh.peerjs.messages.throttled", "PeerJS messages held back until the connection's budget refilled",
        "endpoint", "peerjs");
  }

  /**
   * Connections refused at open: invalid-parameters, invalid-key, origin, id-taken, concurrent-limit, unavailable, and
   * the node limits connections-per-ip and sessions-per-node.
   */
  void refused(String reason) {
    count("greenmesh.peerjs.connections.refused", "PeerJS connections refused, by reason", "reason", reason);
  }

  /** Connections the node closed: rate-limited, too-large, slow-reader, alive-timeout. */
  void closed(String reason) {
    count("greenmesh.peerjs.connections.closed", "PeerJS connections closed by the node, by reason",
        "reason", reason);
  }

  /** A message held for a peer that was not connected. */
  void held() {
    count("greenmesh.peerjs.messages.held", "messages held for a peer that was not connected", null, null);
  }

  /** An EXPIRE sent back to a sender whose messages waited longer than the expire timeout. */
  void expired() {
    count("greenmesh.peerjs.messages.expired", "EXPIRE notices for messages held past the expire timeout",
        null, null);
  }

  /** A held message dropped because the peer's hold buffer was full. */
  void droppedHeld() {
    count("greenmesh.peerjs.messages.dropped", "held messages dropped because the hold buffer was full",
        null, null);
  }

  /** A relayed message delivered to a connection on another node. */
  void crossNode() {
    count("greenmesh.peerjs.cross.node.messages", "messages delivered to a PeerJS connection on another node",
        null, null);
  }

  /** An OFFER relayed: one media call or data connection being set up. */
  void offered(String connectionType) {
    count("greenmesh.peerjs.offers", "OFFER messages relayed, by connection type (media, data)",
        "connection_type", connectionType != null && CONNECTION_TYPES.contains(connectionType)
            ? connectionType : "other");
  }

  private void count(String name, String description, String tag, String value) {
    String id = tag == null ? name : name + '|' + value;
    counters.computeIfAbsent(id, k -> {
      Counter.Builder b = Counter.builder(name).description(description);
      if (tag != null) {
        b.tag(tag, value);
      }
      return b.register(registry);
    }).increment();
  }
}
