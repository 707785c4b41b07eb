package io.greenmesh.signaling.protocol;

import java.util.List;

/** What a browser sends over the signaling WebSocket. {@code data} fields hold raw JSON, delivered verbatim. */
public sealed interface ClientMessage {

  /** The {@code type} on the wire. */
  String type();

  record Join(String room, String displayName, String token) implements ClientMessage {
    public String type() {
      return "join";
    }
  }

  /** {@code lastSeq}: the highest {@code seq} of a signal or broadcast the client received (0 for none). */
  record Resume(String sessionToken, long lastSeq) implements ClientMessage {
    public String type() {
      return "resume";
    }
  }

  record Signal(String to, String data) implements ClientMessage {
    public String type() {
      return "signal";
    }
  }

  record Broadcast(String data) implements ClientMessage {
    public String type() {
      return "broadcast";
    }
  }

  record Leave() implements ClientMessage {
    public String type() {
      return "leave";
    }
  }

  /** A moderator removes a peer from the room. */
  record Kick(String peerId) implements ClientMessage {
    public String type() {
      return "kick";
    }
  }

  record Ping() implements ClientMessage {
    public String type() {
      return "ping";
    }
  }

  /** Traffic report for carbon accounting: cumulative bytes this client sent to each remote peer. */
  record Stats(List<PeerTraffic> peers) implements ClientMessage {
    public Stats {
      peers = List.copyOf(peers);
    }

    public String type() {
      return "stats";
    }
  }

  record PeerTraffic(String peerId, String localCandidateType, String remoteCandidateType, long bytesSent) {}
}
