package io.greenmesh.signaling.peerjs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Set;

/**
 * JSON ⇄ PeerJS messages. Decoding never throws: like the PeerJS server, a frame that is not a JSON object, or whose
 * {@code type} the server does not handle, is ignored, not answered.
 */
public final class PeerJsCodec {

  /** The types the PeerJS server relays to {@code dst} (its TransmissionHandler). */
  static final Set<String> TRANSMITTED = Set.of(
      PeerJsMessage.OFFER, PeerJsMessage.ANSWER, PeerJsMessage.CANDIDATE, PeerJsMessage.LEAVE, PeerJsMessage.EXPIRE);

  private static final ObjectMapper MAPPER = new ObjectMapper(
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
          .build());

  private PeerJsCodec() {}

  /** A frame from a PeerJS client, as the server understands it. */
  public sealed interface Inbound {}

  /** {@code HEARTBEAT}: the client is alive. */
  public record Heartbeat() implements Inbound {}

  /**
   * One of {@link #TRANSMITTED}. {@code dst} is null when absent or empty; {@code payload} is raw JSON or null;
   * {@code connectionType} is the payload's {@code type} ("media", "data") when it has one, for metrics only.
   */
  public record Transmission(String type, String dst, String payload, String connectionType) implements Inbound {}

  /** Anything else: the server drops it silently. {@code reason} is for logs and metrics, never sent. */
  public record Ignored(String reason) implements Inbound {}

  public static Inbound decode(String frame) {
    JsonNode root;
    try {
      root = MAPPER.readTree(frame);
    } catch (JsonProcessingException | RuntimeException e) {
      return new Ignored("invalid-json");
    }
    if (root == null || !root.isObject()) {
      return new Ignored("not-an-object");
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isTextual()) {
      return new Ignored("unknown-type");
    }
    if (type.textValue().equals(PeerJsMessage.HEARTBEAT)) {
      return new Heartbeat();
    }
    if (!TRANSMITTED.contains(type.textValue())) {
      return new Ignored("unknown-type");
    }
    JsonNode dst = root.get("dst");
    String dstId = null;
    if (dst != null && dst.isTextual() && !dst.textValue().isEmpty()) {
      dstId = dst.textValue();
    } else if (isTruthy(dst)) {
      // The PeerJS server would key its realm by a number or an object here and never find anyone.
      return new Ignored("dst-not-a-string");
    }
    JsonNode payload = root.get("payload");
    String raw = payload == null ? null : payload.toString();
    JsonNode connectionType = payload == null ? null : payload.get("type");
    return new Transmission(type.textValue(), dstId, raw,
        connectionType != null && connectionType.isTextual() ? connectionType.textValue() : null);
  }

  /** JavaScript truthiness of a JSON value ({@code if (dstId)} in the PeerJS server). */
  private static boolean isTruthy(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return false;
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isNumber()) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    return true;
  }

  /** {@code {"type":..,"src":..,"dst":..,"payload":..}} in the PeerJS server's field order; no payload, no field. */
  public static String encode(PeerJsMessage m) {
    StringWriter out = new StringWriter(64 + (m.payload() == null ? 0 : m.payload().length()));
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", m.type());
      g.writeStringField("src", m.src());
      g.writeStringField("dst", m.dst());
      if (m.payload() != null) {
        g.writeFieldName("payload");
        g.writeRawValue(m.payload());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** {@code {"type":"OPEN"}}: the id is registered. */
  public static String open() {
    return "{\"type\":\"OPEN\"}";
  }

  /** {@code {"type":"ERROR","payload":{"msg":...}}}; the PeerJS client aborts on it. */
  public static String error(String message) {
    return typeWithMessage(PeerJsMessage.ERROR, message);
  }

  /** {@code {"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}}. */
  public static String idTaken() {
    return typeWithMessage(PeerJsMessage.ID_TAKEN, PeerJsMessage.ID_IS_TAKEN);
  }

  private static String typeWithMessage(String type, String message) {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", type);
      g.writeObjectFieldStart("payload");
      g.writeStringField("msg", message);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The {@code GET {path}/{key}/peers} body: a JSON array of ids. */
  public static String idList(Collection<String> ids) {
    StringWriter out = new StringWriter(16 + ids.size() * 40);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartArray();
      for (String id : ids) {
        g.writeString(id);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
