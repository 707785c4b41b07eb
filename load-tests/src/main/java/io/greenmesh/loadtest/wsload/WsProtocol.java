package io.greenmesh.loadtest.wsload;

import io.greenmesh.loadtest.peerjs.PeerJsFrames;
import java.net.URI;

/**
 * The two signaling protocols the generator speaks, as far as a relay benchmark needs them: the socket URI, what a
 * peer sends to be addressable, the keep-alive, and the three relayed messages (a trickled candidate, an SDP offer,
 * an SDP answer) with a {@link StampedFrame} slot in the part the server relays untouched.
 */
public enum WsProtocol {
  /** GreenMesh's {@code /v1/ws} (docs/protocol.md): join a room of two, then {@code signal} to the other peer. */
  GREENMESH {
    @Override
    URI uri(String base, String id, String token) {
      return URI.create(base);
    }

    @Override
    String join(String room) {
      return "{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"lg\"}";
    }

    @Override
    String keepAlive() {
      return "{\"type\":\"ping\"}";
    }

    @Override
    String message(Kind kind, String to, String connectionId) {
      String head = "{\"type\":\"signal\",\"to\":\"" + to + "\",\"data\":{" + StampedFrame.MARKER + StampedFrame.SLOT
          + "\",";
      return head + switch (kind) {
        case CANDIDATE -> "\"candidate\":" + CANDIDATE_JSON + "}}";
        case OFFER -> "\"description\":{\"type\":\"offer\",\"sdp\":\"" + SDP_OFFER + "\"}}}";
        case ANSWER -> "\"description\":{\"type\":\"answer\",\"sdp\":\"" + SDP_ANSWER + "\"}}}";
      };
    }
  },

  /** The PeerJS protocol (npm {@code peer}, GreenMesh's {@code /peerjs}): OPEN for a chosen id, then dst-addressed. */
  PEERJS {
    @Override
    URI uri(String base, String id, String token) {
      return PeerJsFrames.socketUri(base, "peerjs", id, token);
    }

    @Override
    String join(String room) {
      return null; // the id in the URI is the registration
    }

    @Override
    String keepAlive() {
      return PeerJsFrames.HEARTBEAT;
    }

    @Override
    String message(Kind kind, String to, String connectionId) {
      String head = "{\"type\":\"" + kind + "\",\"dst\":\"" + to + "\",\"payload\":{" + StampedFrame.MARKER
          + StampedFrame.SLOT + "\",";
      return head + switch (kind) {
        case CANDIDATE -> "\"candidate\":" + CANDIDATE_JSON + ",\"type\":\"data\",\"connectionId\":\""
            + connectionId + "\"}}";
        case OFFER -> "\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + SDP_OFFER + "\"},\"type\":\"data\",\"connectionId\":\""
            + connectionId + "\",\"label\":\"" + connectionId + "\",\"reliable\":true,\"serialization\":\"binary\","
            + "\"browser\":\"chrome\"}}";
        case ANSWER -> "\"sdp\":{\"type\":\"answer\",\"sdp\":\"" + SDP_ANSWER + "\"},\"type\":\"data\","
            + "\"connectionId\":\"" + connectionId + "\",\"browser\":\"chrome\"}}";
      };
    }
  };

  /** What a relayed message is: most are trickled candidates, one in {@code sdpEvery} an offer or an answer. */
  public enum Kind { CANDIDATE, OFFER, ANSWER }

  static final String CANDIDATE_JSON = "{\"candidate\":\"candidate:842163049 1 udp 1677729535 127.0.0.1 53107 typ"
      + " srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 9kDb network-cost 999\",\"sdpMLineIndex\":0,\"sdpMid\":\"0\","
      + "\"usernameFragment\":\"9kDb\"}";
  static final String SDP_OFFER = PeerJsFrames.sdp("offer", PeerJsFrames.SDP_BYTES);
  static final String SDP_ANSWER = PeerJsFrames.sdp("answer", PeerJsFrames.SDP_BYTES);

  abstract URI uri(String base, String id, String token);

  /** The frame that makes a peer addressable, or null if connecting is enough. */
  abstract String join(String room);

  abstract String keepAlive();

  /** A relayed message to {@code to}, with a {@link StampedFrame#SLOT}. */
  abstract String message(Kind kind, String to, String connectionId);

  /** The three frames a sender sends to {@code to}, indexed by {@link Kind#ordinal()}. */
  StampedFrame[] frames(String to, String connectionId) {
    StampedFrame[] f = new StampedFrame[Kind.values().length];
    for (Kind k : Kind.values()) {
      f[k.ordinal()] = StampedFrame.of(message(k, to, connectionId));
    }
    return f;
  }

  /** Which frame the {@code seq}-th message of a sender is: the even peer of a pair offers, the odd one answers. */
  static Kind kind(int seq, boolean evenPeer, int sdpEvery) {
    if (seq % sdpEvery != 0) {
      return Kind.CANDIDATE;
    }
    return evenPeer ? Kind.OFFER : Kind.ANSWER;
  }

  public static WsProtocol forUrl(String url) {
    return url.contains("/v1/ws") ? GREENMESH : PEERJS;
  }
}
