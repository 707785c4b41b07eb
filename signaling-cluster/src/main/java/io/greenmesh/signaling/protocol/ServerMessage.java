package io.greenmesh.signaling.protocol;

import java.util.List;
import java.util.Map;

/** What the node sends to a browser. */
public sealed interface ServerMessage {

  String type();

  record Welcome(
      String peerId,
      String sessionToken,
      String room,
      List<PeerInfo> peers,
      List<IceServer> iceServers,
      boolean resumed,
      Grants grants)
      implements ServerMessage {
    public Welcome {
      peers = List.copyOf(peers);
      iceServers = List.copyOf(iceServers);
    }

    public String type() {
      return "welcome";
    }
  }

  record PeerJoined(String peerId, String displayName) implements ServerMessage {
    public String type() {
      return "peer-joined";
    }
  }

  record PeerLeft(String peerId) implements ServerMessage {
    public String type() {
      return "peer-left";
    }
  }

  /**
   * A signal from another peer; {@code data} is raw JSON. {@code seq} numbers the signals and broadcasts a session
   * received, so that a resuming client can say which ones it already has.
   */
  record SignalFrom(String from, String data, long seq) implements ServerMessage {
    public String type() {
      return "signal";
    }
  }

  /** A broadcast from another peer; {@code data} is raw JSON. */
  record BroadcastFrom(String from, String data, long seq) implements ServerMessage {
    public String type() {
      return "broadcast";
    }
  }

  /** A moderator removed you from the room; you are back to no room, connection open. */
  record Removed(String room, String by) implements ServerMessage {
    public String type() {
      return "removed";
    }
  }

  record Pong() implements ServerMessage {
    public String type() {
      return "pong";
    }
  }

  /** {@code ref} names the type of the message that caused it, or null. */
  record Error(ErrorCode code, String message, String ref) implements ServerMessage {
    public String type() {
      return "error";
    }
  }

  /** What a call avoided, sent to its participants when it ends. */
  record CarbonReport(
      long bytesDirect,
      long bytesRelayed,
      long avoidedBytes,
      Map<String, Double> avoidedCo2eGrams,
      Map<String, Double> avoidedWaterLiters,
      String message)
      implements ServerMessage {
    public CarbonReport {
      avoidedCo2eGrams = Map.copyOf(avoidedCo2eGrams);
      avoidedWaterLiters = Map.copyOf(avoidedWaterLiters);
    }

    public String type() {
      return "carbon-report";
    }
  }
}
