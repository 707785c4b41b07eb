package io.greenmesh.signaling.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.protocol.ErrorCode;
import io.greenmesh.signaling.protocol.Grants;
import io.greenmesh.signaling.protocol.IceServer;
import io.greenmesh.signaling.protocol.PeerInfo;
import io.greenmesh.signaling.protocol.ServerMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ClientMessage decoded(String frame) {
    return assertInstanceOf(DecodeResult.Decoded.class, ProtocolCodec.decode(frame)).message();
  }

  private static DecodeResult.Rejected rejected(String frame) {
    return assertInstanceOf(DecodeResult.Rejected.class, ProtocolCodec.decode(frame));
  }

  @Test
  void decodesEveryClientMessage() {
    assertEquals(new ClientMessage.Join("standup", "Ada", "t0k"),
        decoded("{\"type\":\"join\",\"room\":\"standup\",\"displayName\":\"Ada\",\"token\":\"t0k\"}"));
    assertEquals(new ClientMessage.Join("a-b_C9", "guest", null), decoded("{\"type\":\"join\",\"room\":\"a-b_C9\"}"));
    assertEquals(new ClientMessage.Resume("abc.def", 7),
        decoded("{\"type\":\"resume\",\"sessionToken\":\"abc.def\",\"lastSeq\":7}"));
    assertEquals(new ClientMessage.Resume("abc.def", 0), decoded("{\"type\":\"resume\",\"sessionToken\":\"abc.def\"}"));
    assertEquals(new ClientMessage.Signal("p1", "{\"sdp\":\"v=0\"}"),
        decoded("{\"type\":\"signal\",\"to\":\"p1\",\"data\":{\"sdp\":\"v=0\"}}"));
    assertEquals(new ClientMessage.Broadcast("[1,\"x\",null]"), decoded("{\"type\":\"broadcast\",\"data\":[1,\"x\",null]}"));
    assertEquals(new ClientMessage.Leave(), decoded("{\"type\":\"leave\"}"));
    assertEquals(new ClientMessage.Ping(), decoded("{\"type\":\"ping\",\"extra\":\"ignored\"}"));
    assertEquals(new ClientMessage.Kick("p2"), decoded("{\"type\":\"kick\",\"peerId\":\"p2\"}"));
    assertEquals(new ClientMessage.Stats(List.of(new ClientMessage.PeerTraffic("p1", "host", "relay", 1234))),
        decoded("{\"type\":\"stats\",\"peers\":[{\"peerId\":\"p1\",\"localCandidateType\":\"host\","
            + "\"remoteCandidateType\":\"relay\",\"bytesSent\":1234}]}"));
  }

  @Test
  void signalDataMayBeAnyJsonValueIncludingNull() {
    assertEquals(new ClientMessage.Signal("p", "null"), decoded("{\"type\":\"signal\",\"to\":\"p\",\"data\":null}"));
    assertEquals(new ClientMessage.Signal("p", "\"hi\""), decoded("{\"type\":\"signal\",\"to\":\"p\",\"data\":\"hi\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "{", "not json", "[]", "42", "\"join\"", "null", "{\"type\":7}", "{\"room\":\"x\"}",
      "{\"type\":\"join\"}", "{\"type\":\"join\",\"room\":\"\"}", "{\"type\":\"join\",\"room\":\"has space\"}",
      "{\"type\":\"join\",\"room\":\"x\",\"displayName\":5}",
      "{\"type\":\"resume\"}", "{\"type\":\"resume\",\"sessionToken\":\"t\",\"lastSeq\":-1}",
      "{\"type\":\"signal\",\"data\":{}}", "{\"type\":\"signal\",\"to\":\"p\"}", "{\"type\":\"broadcast\"}",
      "{\"type\":\"stats\"}", "{\"type\":\"stats\",\"peers\":[{\"peerId\":\"p\"}]}",
      "{\"type\":\"stats\",\"peers\":[{\"peerId\":\"p\",\"localCandidateType\":\"host\",\"remoteCandidateType\":\"lan\",\"bytesSent\":1}]}",
      "{\"type\":\"stats\",\"peers\":[{\"peerId\":\"p\",\"localCandidateType\":\"host\",\"remoteCandidateType\":\"host\",\"bytesSent\":-5}]}",
      "{\"type\":\"stats\",\"peers\":[{\"peerId\":\"p\",\"localCandidateType\":\"host\",\"remoteCandidateType\":\"host\",\"bytesSent\":1.5}]}"
  })
  void malformedFramesAreBadRequests(String frame) {
    assertEquals(ErrorCode.BAD_REQUEST, rejected(frame).code());
  }

  @Test
  void roomNamesAreLimitedTo64Characters() {
    assertInstanceOf(DecodeResult.Decoded.class,
        ProtocolCodec.decode("{\"type\":\"join\",\"room\":\"" + "r".repeat(64) + "\"}"));
    assertEquals(ErrorCode.BAD_REQUEST, rejected("{\"type\":\"join\",\"room\":\"" + "r".repeat(65) + "\"}").code());
  }

  @Test
  void deeplyNestedDataIsRefusedNotAStackOverflow() {
    String deep = "[".repeat(100_000);
    assertEquals(ErrorCode.BAD_REQUEST, rejected("{\"type\":\"broadcast\",\"data\":" + deep + "}").code());
  }

  @Test
  void unknownTypesSayWhichTypeWasUnknown() {
    DecodeResult.Rejected r = rejected("{\"type\":\"teleport\"}");
    assertEquals(ErrorCode.UNKNOWN_TYPE, r.code());
    assertEquals("teleport", r.ref());
  }

  @Test
  void displayNamesAreCleanedAndCut() {
    assertEquals("guest", ProtocolCodec.cleanDisplayName("   "));
    assertEquals("Ada", ProtocolCodec.cleanDisplayName(" A\u0000d\u0007a "));
    assertEquals(64, ProtocolCodec.cleanDisplayName("x".repeat(200)).length());
  }

  @Test
  void encodesEveryServerMessage() throws Exception {
    JsonNode welcome = JSON.readTree(ProtocolCodec.encode(new ServerMessage.Welcome("p1", "tok", "room",
        List.of(new PeerInfo("p2", "Bob")),
        List.of(IceServer.stun(List.of("stun:s:3478")), new IceServer(List.of("turn:t:3478"), "u", "c")), false,
        new Grants(true, false, true))));
    assertEquals("welcome", welcome.get("type").asText());
    assertEquals("Bob", welcome.get("peers").get(0).get("displayName").asText());
    assertEquals(false, welcome.get("iceServers").get(0).has("username"));
    assertEquals("c", welcome.get("iceServers").get(1).get("credential").asText());
    assertEquals(false, welcome.get("grants").get("broadcast").asBoolean());
    assertEquals(true, welcome.get("grants").get("moderator").asBoolean());
    assertEquals("{\"type\":\"removed\",\"room\":\"r\",\"by\":\"p\"}",
        ProtocolCodec.encode(new ServerMessage.Removed("r", "p")));

    assertEquals("{\"type\":\"peer-joined\",\"peerId\":\"p\",\"displayName\":\"n\"}",
        ProtocolCodec.encode(new ServerMessage.PeerJoined("p", "n")));
    assertEquals("{\"type\":\"peer-left\",\"peerId\":\"p\"}", ProtocolCodec.encode(new ServerMessage.PeerLeft("p")));
    assertEquals("{\"type\":\"signal\",\"from\":\"p\",\"data\":{\"a\":[1, 2]},\"seq\":3}",
        ProtocolCodec.encode(new ServerMessage.SignalFrom("p", "{\"a\":[1, 2]}", 3)));
    assertEquals("{\"type\":\"broadcast\",\"from\":\"p\",\"data\":\"x\",\"seq\":1}",
        ProtocolCodec.encode(new ServerMessage.BroadcastFrom("p", "\"x\"", 1)));
    assertEquals("{\"type\":\"pong\"}", ProtocolCodec.encode(new ServerMessage.Pong()));
    JsonNode carbon = JSON.readTree(ProtocolCodec.encode(new ServerMessage.CarbonReport(10, 2, 30,
        Map.of("swd-v4", 1.5), Map.of("swd-v4", 0.25), "saved")));
    assertEquals(1.5, carbon.get("avoidedCo2eGrams").get("swd-v4").asDouble());
  }

  @Test
  void everyErrorCodeHasItsWireName() throws Exception {
    for (ErrorCode code : ErrorCode.values()) {
      JsonNode e = JSON.readTree(ProtocolCodec.encode(new ServerMessage.Error(code, "why", "join")));
      assertEquals(code.wire(), e.get("code").asText());
      assertEquals("why", e.get("message").asText());
      assertEquals("join", e.get("ref").asText());
    }
    assertEquals(List.of("bad-request", "unknown-type", "too-large", "rate-limited", "room-full", "not-joined",
        "unknown-peer", "unauthorized", "internal"),
        java.util.Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
  }
}
