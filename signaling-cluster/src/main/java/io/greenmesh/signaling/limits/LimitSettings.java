package io.greenmesh.signaling.limits;

import com.typesafe.config.Config;

/** The {@code greenmesh.limits} block: what one address, and the whole node, may make this node spend. 0 = no limit. */
public record LimitSettings(
    int connectionsPerIp,
    int sessionsPerNode,
    double joinsPerSecondPerIp,
    int joinBurstPerIp,
    int roomsPerNode,
    int detachedSessionsPerNode,
    boolean trustForwardedFor) {

  public static LimitSettings from(Config root) {
    Config c = root.getConfig("greenmesh.limits");
    return new LimitSettings(
        c.getInt("connections-per-ip"),
        c.getInt("sessions-per-node"),
        c.getDouble("joins-per-second-per-ip"),
        c.getInt("join-burst-per-ip"),
        c.getInt("rooms-per-node"),
        c.getInt("detached-sessions-per-node"),
        c.getBoolean("trust-forwarded-for"));
  }
}
