package io.greenmesh.signaling.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code greenmesh.signaling} block: limits and timings of sessions and rooms. */
public record SignalingSettings(
    int maxFrameBytes,
    double messagesPerSecond,
    int messageBurst,
    int throttledMessagesForAbuse,
    Duration abuseWindow,
    int oversizedFrameStrikes,
    int maxPeersPerRoom,
    int outboundQueue,
    Duration resumeGrace,
    int resumeBuffer,
    Duration joinTimeout,
    Duration sessionTokenTtl) {

  public static SignalingSettings from(Config root) {
    Config c = root.getConfig("greenmesh.signaling");
    return new SignalingSettings(
        (int) c.getBytes("max-frame-size").longValue(),
        c.getDouble("rate-limit.messages-per-second"),
        c.getInt("rate-limit.burst"),
        c.getInt("abuse.throttled-messages"),
        c.getDuration("abuse.window"),
        c.getInt("abuse.oversized-frames"),
        c.getInt("room.max-peers"),
        c.getInt("outbound-queue"),
        c.getDuration("resume.grace-period"),
        c.getInt("resume.buffer"),
        c.getDuration("join-timeout"),
        c.getDuration("session-token-ttl"));
  }
}
