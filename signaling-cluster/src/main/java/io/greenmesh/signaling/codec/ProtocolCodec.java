package io.greenmesh.signaling.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenmesh.signaling.codec.DecodeResult.Decoded;
import io.greenmesh.signaling.codec.DecodeResult.Rejected;
import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.protocol.ErrorCode;
import io.greenmesh.signaling.protocol.IceServer;
import io.greenmesh.signaling.protocol.PeerInfo;
import io.greenmesh.signaling.protocol.ServerMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * JSON text frames to {@link ClientMessage}s and {@link ServerMessage}s to JSON. Opaque {@code data} values are
 * kept as raw JSON text and written back verbatim with {@code writeRawValue}.
 */
public final class ProtocolCodec {

  public static final Pattern ROOM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  public static final int MAX_DISPLAY_NAME = 64;
  private static final int MAX_ID_LENGTH = 128;
  private static final int MAX_TOKEN_LENGTH = 8192;
  private static final int MAX_STATS_PEERS = 64;
  private static final Set<String> CANDIDATE_TYPES = Set.of("host", "srflx", "prflx", "relay");

  private static final ObjectMapper MAPPER = new ObjectMapper(
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build());

  private ProtocolCodec() {}

  /** Decodes one text frame; never throws. */
  public static DecodeResult decode(String frame) {
    JsonNode root;
    try {
      root = MAPPER.readTree(frame);
    } catch (JsonProcessingException | RuntimeException e) {
      return new Rejected(ErrorCode.BAD_REQUEST, "frame is not valid JSON", null);
    }
    if (root == null || !root.isObject()) {
      return new Rejected(ErrorCode.BAD_REQUEST, "frame must be a JSON object", null);
    }
    JsonNode typeNode = root.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      return new Rejected(ErrorCode.BAD_REQUEST, "missing string field 'type'", null);
    }
    String type = typeNode.textValue();
    try {
      return switch (type) {
        case "join" -> decodeJoin(root);
        case "resume" -> new Decoded(new ClientMessage.Resume(
            requiredText(root, "sessionToken", MAX_TOKEN_LENGTH), optionalCount(root, "lastSeq")));
        case "signal" -> new Decoded(new ClientMessage.Signal(
            requiredText(root, "to", MAX_ID_LENGTH), requiredData(root)));
        case "broadcast" -> new Decoded(new ClientMessage.Broadcast(requiredData(root)));
        case "leave" -> new Decoded(new ClientMessage.Leave());
        case "ping" -> new Decoded(new ClientMessage.Ping());
        case "kick" -> new Decoded(new ClientMessage.Kick(requiredText(root, "peerId", MAX_ID_LENGTH)));
        case "stats" -> decodeStats(root);
        default -> new Rejected(ErrorCode.UNKNOWN_TYPE, "unknown message type '" + printable(type) + "'",
            printable(type));
      };
    } catch (FieldException e) {
      return new Rejected(ErrorCode.BAD_REQUEST, e.getMessage(), type);
    }
  }

  private static DecodeResult decodeJoin(JsonNode root) {
    String room = requiredText(root, "room", 64);
    if (!ROOM_NAME.matcher(room).matches()) {
      throw new FieldException("'room' must be 1-64 characters of [A-Za-z0-9_-]");
    }
    String displayName = optionalText(root, "displayName", 4 * MAX_DISPLAY_NAME);
    String token = optionalText(root, "token", MAX_TOKEN_LENGTH);
    return new Decoded(new ClientMessage.Join(room, cleanDisplayName(displayName), token));
  }

  private static DecodeResult decodeStats(JsonNode root) {
    JsonNode peers = root.get("peers");
    if (peers == null || !peers.isArray()) {
      throw new FieldException("missing array field 'peers'");
    }
    if (peers.size() > MAX_STATS_PEERS) {
      throw new FieldException("'peers' lists more than " + MAX_STATS_PEERS + " entries");
    }
    List<ClientMessage.PeerTraffic> traffic = new ArrayList<>(peers.size());
    for (JsonNode p : peers) {
      if (!p.isObject()) {
        throw new FieldException("'peers' entries must be objects");
      }
      String peerId = requiredText(p, "peerId", MAX_ID_LENGTH);
      String local = requiredText(p, "localCandidateType", 16);
      String remote = requiredText(p, "remoteCandidateType", 16);
      if (!CANDIDATE_TYPES.contains(local) || !CANDIDATE_TYPES.contains(remote)) {
        throw new FieldException("candidate types must be one of host, srflx, prflx, relay");
      }
      JsonNode bytes = p.get("bytesSent");
      if (bytes == null || !bytes.canConvertToExactIntegral() || !bytes.canConvertToLong() || bytes.asLong() < 0) {
        throw new FieldException("'bytesSent' must be a non-negative integer");
      }
      traffic.add(new ClientMessage.PeerTraffic(peerId, local, remote, bytes.asLong()));
    }
    return new Decoded(new ClientMessage.Stats(traffic));
  }

  /** Trims, strips control characters, cuts to {@value #MAX_DISPLAY_NAME} code points; blank becomes "guest". */
  public static String cleanDisplayName(String raw) {
    if (raw == null) {
      return "guest";
    }
    StringBuilder out = new StringBuilder();
    raw.strip().codePoints()
        .filter(cp -> !Character.isISOControl(cp))
        .limit(MAX_DISPLAY_NAME)
        .forEach(out::appendCodePoint);
    String cleaned = out.toString().strip();
    return cleaned.isEmpty() ? "guest" : cleaned;
  }

  private static String requiredText(JsonNode root, String field, int maxLength) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
      throw new FieldException("missing string field '" + field + "'");
    }
    if (node.textValue().length() > maxLength) {
      throw new FieldException("'" + field + "' is longer than " + maxLength + " characters");
    }
    return node.textValue();
  }

  private static String optionalText(JsonNode root, String field, int maxLength) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new FieldException("'" + field + "' must be a string");
    }
    if (node.textValue().length() > maxLength) {
      throw new FieldException("'" + field + "' is longer than " + maxLength + " characters");
    }
    return node.textValue();
  }

  private static long optionalCount(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new FieldException("'" + field + "' must be a non-negative integer");
    }
    return node.asLong();
  }

  private static String requiredData(JsonNode root) {
    JsonNode data = root.get("data");
    if (data == null || data.isMissingNode()) {
      throw new FieldException("missing field 'data'");
    }
    return data.toString();
  }

  private static String printable(String s) {
    String cut = s.length() > 32 ? s.substring(0, 32) : s;
    return cut.replaceAll("[^\\x20-\\x7E]", "?");
  }

  /** Encodes a server message as one JSON text frame. */
  public static String encode(ServerMessage message) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", message.type());
      writeFields(g, message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeFields(JsonGenerator g, ServerMessage message) throws IOException {
    if (message instanceof ServerMessage.Welcome w) {
      g.writeStringField("peerId", w.peerId());
      g.writeStringField("sessionToken", w.sessionToken());
      g.writeStringField("room", w.room());
      g.writeArrayFieldStart("peers");
      for (PeerInfo p : w.peers()) {
        g.writeStartObject();
        g.writeStringField("peerId", p.peerId());
        g.writeStringField("displayName", p.displayName());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeIceServers(g, w.iceServers());
      g.writeBooleanField("resumed", w.resumed());
      g.writeObjectFieldStart("grants");
      g.writeBooleanField("publish", w.grants().publish());
      g.writeBooleanField("broadcast", w.grants().broadcast());
      g.writeBooleanField("moderator", w.grants().moderator());
      g.writeEndObject();
    } else if (message instanceof ServerMessage.PeerJoined j) {
      g.writeStringField("peerId", j.peerId());
      g.writeStringField("displayName", j.displayName());
    } else if (message instanceof ServerMessage.Removed r) {
      g.writeStringField("room", r.room());
      g.writeStringField("by", r.by());
    } else if (message instanceof ServerMessage.PeerLeft l) {
      g.writeStringField("peerId", l.peerId());
    } else if (message instanceof ServerMessage.SignalFrom s) {
      g.writeStringField("from", s.from());
      g.writeFieldName("data");
      g.writeRawValue(s.data());
      g.writeNumberField("seq", s.seq());
    } else if (message instanceof ServerMessage.BroadcastFrom b) {
      g.writeStringField("from", b.from());
      g.writeFieldName("data");
      g.writeRawValue(b.data());
      g.writeNumberField("seq", b.seq());
    } else if (message instanceof ServerMessage.Error e) {
      g.writeStringField("code", e.code().wire());
      g.writeStringField("message", e.message());
      if (e.ref() != null) {
        g.writeStringField("ref", e.ref());
      }
    } else if (message instanceof ServerMessage.CarbonReport c) {
      g.writeNumberField("bytesDirect", c.bytesDirect());
      g.writeNumberField("bytesRelayed", c.bytesRelayed());
      g.writeNumberField("avoidedBytes", c.avoidedBytes());
      writeNumberMap(g, "avoidedCo2eGrams", c.avoidedCo2eGrams());
      writeNumberMap(g, "avoidedWaterLiters", c.avoidedWaterLiters());
      g.writeStringField("message", c.message());
    }
    // Pong has no fields.
  }

  /** The {@code {"iceServers": [...]}} body of GET /v1/ice-servers. */
  public static String encodeIceServers(List<IceServer> servers, long ttlSeconds) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      writeIceServers(g, servers);
      g.writeNumberField("ttlSeconds", ttlSeconds);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeIceServers(JsonGenerator g, List<IceServer> servers) throws IOException {
    g.writeArrayFieldStart("iceServers");
    for (IceServer s : servers) {
      g.writeStartObject();
      g.writeArrayFieldStart("urls");
      for (String url : s.urls()) {
        g.writeString(url);
      }
      g.writeEndArray();
      if (s.username() != null) {
        g.writeStringField("username", s.username());
        g.writeStringField("credential", s.credential());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeNumberMap(JsonGenerator g, String field, Map<String, Double> values) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(values).entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** A field-level problem; caught inside {@link #decode} and never escapes it. */
  private static final class FieldException extends RuntimeException {
    FieldException(String message) {
      super(message, null, false, false);
    }
  }
}
