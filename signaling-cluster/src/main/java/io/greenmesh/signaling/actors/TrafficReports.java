package io.greenmesh.signaling.actors;

import io.greenmesh.signaling.protocol.ClientMessage;
import java.util.Set;

/**
 * Where validated {@code stats} reports go (carbon accounting). Called from a session actor, so implementations must
 * be thread-safe and quick.
 */
public interface TrafficReports {
  TrafficReports NONE = (room, reporter, members, stats) -> null;

  /**
   * Accounts one report. {@code members} are the reporter's room peers as the session knows them.
   * Returns null when accepted, else a reason the client is told.
   */
  String accept(String room, String reporter, Set<String> members, ClientMessage.Stats stats);
}
