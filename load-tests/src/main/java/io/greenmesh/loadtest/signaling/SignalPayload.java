package io.greenmesh.loadtest.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;

/**
 * The {@code data} a load session puts in a {@code signal}: the sender's {@link System#nanoTime()} at send time
 * ({@code t}), a sequence number ({@code n}) and padding ({@code p}) to the size of a typical trickle-ICE candidate.
 * Sender and receiver live in the same JVM, so {@code receivedNanos - t} is the one-way latency through the node.
 */
public final class SignalPayload {
  private SignalPayload() {}

  /** A client {@code signal} frame to {@code to} carrying {@code sentNanos}. */
  public static String signalFrame(String to, long sentNanos, long sequence, String padding) {
    return "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":{\"t\":" + sentNanos + ",\"n\":" + sequence
        + ",\"p\":\"" + padding + "\"}}";
  }

  /** Padding of {@code bytes} ASCII characters (a candidate line is ~100–200 bytes). */
  public static String padding(int bytes) {
    return "x".repeat(Math.max(0, bytes));
  }

  /** The send timestamp in a delivered signal's {@code data}, if it is one of ours. */
  public static OptionalLong sentNanos(JsonNode data) {
    JsonNode t = data == null ? null : data.get("t");
    return t != null && t.isIntegralNumber() ? OptionalLong.of(t.asLong()) : OptionalLong.empty();
  }
}
