package io.greenmesh.signaling.metrics;

import io.greenmesh.signaling.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's signaling meters. Labels are bounded sets (message types, error codes, reasons): never room or peer
 * ids, so the series count stays flat however many calls run.
 */
public final class SignalingMetrics {
  private static final Set<String> CLIENT_TYPES =
      Set.of("join", "resume", "signal", "broadcast", "leave", "ping", "stats");
  // Registered at zero from the start, so that the dashboard's panels have series on a node with no traffic yet.
  private static final List<String> SERVER_TYPES = List.of("welcome", "peer-joined", "peer-left", "signal",
      "broadcast", "removed", "pong", "error", "carbon-report");
  private static final List<String> CLOSE_REASONS = List.of("rate-limited", "too-large", "slow-reader");
  private static final List<String> RESUME_OUTCOMES = List.of("resumed", "refused", "failed", "expired");

  private final MeterRegistry registry;
  private final AtomicInteger connectedSessions = new AtomicInteger();
  private final AtomicInteger detachedSessions = new AtomicInteger();
  private final AtomicInteger rooms = new AtomicInteger();
  private final AtomicInteger roomMembers = new AtomicInteger();
  private final Map<String, Counter> received = new ConcurrentHashMap<>();
  private final Map<String, Counter> sent = new ConcurrentHashMap<>();
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<String, Counter> closes = new ConcurrentHashMap<>();
  private final Map<String, Counter> resumes = new ConcurrentHashMap<>();
  private final Timer joinLatency;
  private final Timer resumeLatency;
  private final Counter crossNodeMessages;
  private final Counter throttledMessages;

  public SignalingMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("greenmesh.signaling.sessions.connected", connectedSessions);
    registry.gauge("greenmesh.signaling.sessions.detached", detachedSessions);
    registry.gauge("greenmesh.signaling.rooms.active", rooms);
    registry.gauge("greenmesh.signaling.room.members", roomMembers);
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, Counter.builder("greenmesh.signaling.errors")
          .description("error messages sent to clients, by code")
          .tag("code", code.wire()).register(registry));
    }
    joinLatency = Timer.builder("greenmesh.signaling.join.duration")
        .description("time from a join frame to the welcome frame")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    resumeLatency = Timer.builder("greenmesh.signaling.resume.duration")
        .description("time from a resume frame to the welcome frame")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    throttledMessages = Counter.builder("greenmesh.signaling.messages.throttled")
        .description("client messages held back until the connection's budget refilled (none dropped)")
        .register(registry);
    crossNodeMessages = Counter.builder("greenmesh.signaling.cross.node.messages")
        .description("signals and broadcasts delivered to a session on another node")
        .register(registry);
    CLIENT_TYPES.forEach(this::receivedCounter);
    receivedCounter("other");
    SERVER_TYPES.forEach(this::sentCounter);
    CLOSE_REASONS.forEach(this::closedCounter);
    RESUME_OUTCOMES.forEach(this::resumeCounter);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void received(String type) {
    receivedCounter(CLIENT_TYPES.contains(type) ? type : "other").increment();
  }

  public void sent(String type) {
    sentCounter(type).increment();
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }

  /** A message over its connection's budget, held back (its connection's reads paused) until the budget refills. */
  public void throttled() {
    throttledMessages.increment();
  }

  /** A connection the node closed, by reason (rate-limited, too-large, slow-reader). */
  public void closed(String reason) {
    closedCounter(reason).increment();
  }

  public void resume(String outcome) {
    resumeCounter(outcome).increment();
  }

  private Counter receivedCounter(String type) {
    return counter(received, "greenmesh.signaling.messages.received", "frames received from clients, by type",
        "type", type);
  }

  private Counter sentCounter(String type) {
    return counter(sent, "greenmesh.signaling.messages.sent", "frames sent to clients, by type", "type", type);
  }

  private Counter closedCounter(String reason) {
    return counter(closes, "greenmesh.signaling.connections.closed",
        "connections closed by the node for abuse, by reason", "reason", reason);
  }

  private Counter resumeCounter(String outcome) {
    return counter(resumes, "greenmesh.signaling.resumes", "resume attempts, by outcome", "outcome", outcome);
  }

  private Counter counter(Map<String, Counter> byLabel, String name, String description, String label, String value) {
    return byLabel.computeIfAbsent(value, v -> Counter.builder(name).description(description).tag(label, v)
        .register(registry));
  }

  public void crossNode() {
    crossNodeMessages.increment();
  }

  public Timer joinLatency() {
    return joinLatency;
  }

  public Timer resumeLatency() {
    return resumeLatency;
  }

  public AtomicInteger connectedSessions() {
    return connectedSessions;
  }

  public AtomicInteger detachedSessions() {
    return detachedSessions;
  }

  public AtomicInteger rooms() {
    return rooms;
  }

  public AtomicInteger roomMembers() {
    return roomMembers;
  }
}
