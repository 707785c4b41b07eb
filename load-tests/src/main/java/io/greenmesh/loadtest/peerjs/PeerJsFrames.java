package io.greenmesh.loadtest.peerjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The frames a PeerJS client (peerjs 1.5.x) sends, shaped as the real client shapes them, each carrying the sender's
 * {@link System#nanoTime()} ({@code t}) and the step it belongs to ({@code s}) in its {@code payload}, so that the
 * receiver — in the same JVM — computes the one-way latency through the server.
 *
 * <ul>
 *   <li>{@code CANDIDATE}: a trickle-ICE host candidate as {@code RTCIceCandidate.toJSON()} gives it, about 300 bytes
 *       on the wire;</li>
 *   <li>{@code OFFER} / {@code ANSWER}: a data connection's negotiation with an SDP of {@link #SDP_BYTES} bytes
 *       (Chrome's audio+video offer is 3–6 KB, a data-channel-only one under 1 KB).</li>
 * </ul>
 */
public final class PeerJsFrames {
  /** PeerJS client version sent in the socket URL (ignored by both servers). */
  public static final String CLIENT_VERSION = "1.5.5";
  /** Size of the SDP text in an OFFER or ANSWER. */
  public static final int SDP_BYTES = 3000;

  public static final String HEARTBEAT = "{\"type\":\"HEARTBEAT\"}";

  private static final String SDP_OFFER = sdp("offer", SDP_BYTES);
  private static final String SDP_ANSWER = sdp("answer", SDP_BYTES);

  /** What a relayed message is. */
  public enum Kind {
    CANDIDATE, OFFER, ANSWER;

    boolean isSdp() {
      return this != CANDIDATE;
    }
  }

  private PeerJsFrames() {}

  /**
   * The signaling socket of a server whose PeerJS {@code path} is {@code base} (e.g. {@code ws://127.0.0.1:9000/} or
   * {@code ws://127.0.0.1:8080/peerjs}): {@code {base}/peerjs?key=&id=&token=&version=}, as the client builds it.
   */
  public static URI socketUri(String base, String key, String id, String token) {
    String b = base.endsWith("/") ? base : base + "/";
    return URI.create(b + "peerjs?key=" + enc(key) + "&id=" + enc(id) + "&token=" + enc(token) + "&version="
        + CLIENT_VERSION);
  }

  /** A relayed message of {@code kind} to {@code dst}, stamped with {@code sentNanos} and {@code step}. */
  public static String message(Kind kind, String dst, String connectionId, long sentNanos, int step) {
    String stamp = "\"t\":" + sentNanos + ",\"s\":" + step + ",";
    return switch (kind) {
      case CANDIDATE -> "{\"type\":\"CANDIDATE\",\"dst\":\"" + dst + "\",\"payload\":{" + stamp
          + "\"candidate\":{\"candidate\":\"candidate:842163049 1 udp 1677729535 127.0.0.1 53107 typ srflx raddr"
          + " 0.0.0.0 rport 0 generation 0 ufrag 9kDb network-cost 999\",\"sdpMLineIndex\":0,\"sdpMid\":\"0\","
          + "\"usernameFragment\":\"9kDb\"},\"type\":\"data\",\"connectionId\":\"" + connectionId + "\"}}";
      case OFFER -> "{\"type\":\"OFFER\",\"dst\":\"" + dst + "\",\"payload\":{" + stamp
          + "\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + SDP_OFFER + "\"},\"type\":\"data\",\"connectionId\":\""
          + connectionId + "\",\"label\":\"" + connectionId + "\",\"reliable\":true,\"serialization\":\"binary\","
          + "\"browser\":\"chrome\"}}";
      case ANSWER -> "{\"type\":\"ANSWER\",\"dst\":\"" + dst + "\",\"payload\":{" + stamp
          + "\"sdp\":{\"type\":\"answer\",\"sdp\":\"" + SDP_ANSWER + "\"},\"type\":\"data\",\"connectionId\":\""
          + connectionId + "\",\"browser\":\"chrome\"}}";
    };
  }

  /** A message as the server relays it: who sent it, what it is, when and in which step. */
  public record Relayed(Kind kind, String src, long sentNanos, int step) {}

  /** {@code frame} as a relayed message of ours, or empty if it is something else (OPEN, ERROR, EXPIRE, …). */
  public static Optional<Relayed> relayed(JsonNode frame) {
    Kind kind;
    try {
      kind = Kind.valueOf(frame.path("type").asText());
    } catch (IllegalArgumentException notRelayed) {
      return Optional.empty();
    }
    JsonNode t = frame.path("payload").get("t");
    JsonNode s = frame.path("payload").get("s");
    if (t == null || !t.isIntegralNumber() || s == null || !s.isIntegralNumber()) {
      return Optional.empty();
    }
    return Optional.of(new Relayed(kind, frame.path("src").asText(), t.asLong(), s.asInt()));
  }

  /**
   * An SDP of at least {@code bytes} characters (at most one line more), JSON-escaped ({@code \r\n} as the four characters {@code \\r\\n}):
   * session lines, an audio and a video section with codec lines, repeated until the size is reached.
   */
  public static String sdp(String type, int bytes) {
    String setup = type.equals("offer") ? "actpass" : "active";
    StringBuilder b = new StringBuilder();
    line(b, "v=0");
    line(b, "o=- 4611731400430051336 2 IN IP4 127.0.0.1");
    line(b, "s=-");
    line(b, "t=0 0");
    line(b, "a=group:BUNDLE 0 1 2");
    line(b, "a=extmap-allow-mixed");
    line(b, "a=msid-semantic: WMS 5f1c2b7e-3d0a-4c8e-9a51-6b2f0e7d4a13");
    int mid = 0;
    while (b.length() < bytes - 200) {
      boolean video = mid % 2 == 1;
      line(b, video ? "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125"
          : "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126");
      line(b, "c=IN IP4 0.0.0.0");
      line(b, "a=rtcp:9 IN IP4 0.0.0.0");
      line(b, "a=ice-ufrag:9kDb");
      line(b, "a=ice-pwd:Qm3Zk8Yt2VbN5cR7wX1aL4pD");
      line(b, "a=ice-options:trickle");
      line(b, "a=fingerprint:sha-256 4F:1B:7E:92:0C:D3:58:A6:3B:E1:74:9F:02:C8:6D:55:A0:1E:93:7B:4C:F2:08:D6:39:"
          + "E5:71:AB:2F:C4:86:1D");
      line(b, "a=setup:" + setup);
      line(b, "a=mid:" + mid);
      line(b, "a=sendrecv");
      line(b, "a=rtcp-mux");
      line(b, video ? "a=rtpmap:96 VP8/90000" : "a=rtpmap:111 opus/48000/2");
      line(b, video ? "a=rtcp-fb:96 goog-remb" : "a=rtcp-fb:111 transport-cc");
      line(b, video ? "a=rtcp-fb:96 nack pli" : "a=fmtp:111 minptime=10;useinbandfec=1");
      line(b, video ? "a=rtpmap:97 rtx/90000" : "a=rtpmap:63 red/48000/2");
      line(b, video ? "a=fmtp:97 apt=96" : "a=rtpmap:9 G722/8000");
      line(b, "a=ssrc:" + (1000000 + mid) + " cname:Yq8c2J3kWm0xZb7t");
      mid++;
    }
    while (b.length() < bytes) {
      line(b, "a=ssrc-group:FID " + (2000000 + b.length()) + " " + (3000000 + b.length()));
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String l) {
    b.append(l).append("\\r\\n");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); // as encodeURIComponent
  }
}
