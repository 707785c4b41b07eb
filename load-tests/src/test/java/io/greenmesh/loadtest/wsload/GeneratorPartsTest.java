package io.greenmesh.loadtest.wsload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorPartsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStampedFrameIsAMaskedTextFrameWithAZeroKeyAndTheStampPatchedIntoItsPayload() throws Exception {
    String payload = "{\"type\":\"signal\",\"to\":\"b\",\"data\":{" + StampedFrame.MARKER + StampedFrame.SLOT
        + "\",\"x\":1}}";
    StampedFrame f = StampedFrame.of(payload);
    ByteBuf out = Unpooled.buffer();
    f.writeTo(out, 3, 0x1234_5678_9abcL, 42);
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    assertEquals((byte) 0x81, bytes[0], "FIN and the text opcode");
    assertEquals((byte) (0x80 | payload.length()), bytes[1], "the MASK bit and the 7-bit length");
    assertArrayEquals(new byte[4], Arrays.copyOfRange(bytes, 2, 6), "a zero masking key");
    JsonNode sent = JSON.readTree(new String(bytes, 6, bytes.length - 6, StandardCharsets.UTF_8));
    assertEquals("0003" + "000012345678" + "9abc" + "0000002a", sent.path("data").path("lg").asText());
    assertEquals(1, sent.path("data").path("x").asInt(), "the rest of the payload as it was");
  }

  @Test
  void theLengthOfALargeFrameTakesTheSixteenOrSixtyFourBitForm() {
    byte[] medium = StampedFrame.header(3_000);
    assertEquals((byte) (0x80 | 126), medium[1]);
    assertEquals(3_000, (medium[2] & 0xFF) << 8 | medium[3] & 0xFF);
    assertEquals(8, medium.length);
    byte[] large = StampedFrame.header(70_000);
    assertEquals((byte) (0x80 | 127), large[1]);
    assertEquals(14, large.length);
    assertEquals(70_000, (large[7] & 0xFF) << 16 | (large[8] & 0xFF) << 8 | large[9] & 0xFF);
  }

  @Test
  void theReceiverFindsTheStampInARelayedFrameWithoutParsingIt() {
    for (WsProtocol p : WsProtocol.values()) {
      for (WsProtocol.Kind k : WsProtocol.Kind.values()) {
        String message = p.message(k, "peer-b", "dc_x");
        StampedFrame f = StampedFrame.of(message);
        ByteBuf frame = Unpooled.buffer();
        f.writeTo(frame, 7, 123_456_789_012L, 99);
        frame.skipBytes(f.length() - message.getBytes(StandardCharsets.UTF_8).length); // the frame header
        // as a server relays it: other fields around the same payload
        ByteBuf relayed = Unpooled.copiedBuffer("{\"from\":\"a\",\"seq\":5,\"data\":", StandardCharsets.UTF_8);
        relayed.writeBytes(frame);
        StampedFrame.Stamp s = StampedFrame.find(relayed);
        assertEquals(new StampedFrame.Stamp(7, 123_456_789_012L, 99), s, p + " " + k);
      }
    }
    assertNull(StampedFrame.find(Unpooled.copiedBuffer("{\"type\":\"pong\"}", StandardCharsets.UTF_8)));
    assertNull(StampedFrame.find(Unpooled.copiedBuffer("{\"lg\":\"zz\"}", StandardCharsets.UTF_8)));
  }

  @Test
  void everyRelayedMessageIsValidJsonAddressedToThePartner() throws Exception {
    JsonNode g = JSON.readTree(WsProtocol.GREENMESH.message(WsProtocol.Kind.OFFER, "b", "dc"));
    assertEquals("signal", g.path("type").asText());
    assertEquals("b", g.path("to").asText());
    assertEquals("offer", g.path("data").path("description").path("type").asText());
    JsonNode p = JSON.readTree(WsProtocol.PEERJS.message(WsProtocol.Kind.CANDIDATE, "b", "dc"));
    assertEquals("CANDIDATE", p.path("type").asText());
    assertEquals("b", p.path("dst").asText());
    assertEquals("dc", p.path("payload").path("connectionId").asText());
  }

  @Test
  void oneMessageInSdpEveryIsAnOfferFromTheEvenPeerAndAnAnswerFromTheOdd() {
    assertEquals(WsProtocol.Kind.OFFER, WsProtocol.kind(0, true, 10));
    assertEquals(WsProtocol.Kind.ANSWER, WsProtocol.kind(10, false, 10));
    assertEquals(WsProtocol.Kind.CANDIDATE, WsProtocol.kind(3, true, 10));
    assertEquals(WsProtocol.GREENMESH, WsProtocol.forUrl("ws://127.0.0.1:8080/v1/ws"));
    assertEquals(WsProtocol.PEERJS, WsProtocol.forUrl("ws://127.0.0.1:8080/peerjs"));
  }

  @Test
  void aLadderIsAListOrAGeometricClimb() {
    assertEquals(List.of(500, 1000, 3000), RateLadder.parse("500, 1000,3000").rates());
    assertEquals(List.of(2000, 4000, 8000, 16000), RateLadder.parse("2000..16000*2").rates());
    assertEquals(List.of(1000, 1500, 2250), RateLadder.parse("1000..3000*1.5").rates());
    assertThrows(IllegalArgumentException.class, () -> RateLadder.parse("2000..1000*2"));
    assertThrows(IllegalArgumentException.class, () -> RateLadder.parse("1000..2000*1"));
    assertThrows(IllegalArgumentException.class, () -> RateLadder.parse("0,100"));
    assertThrows(IllegalArgumentException.class, () -> RateLadder.parse(" "));
  }

  @Test
  void stepStatsAddUpOverLoopsAndAStepFailsOnLossDisorderOrLatency() {
    StepStats a = new StepStats();
    StepStats b = new StepStats();
    a.received(0, 1_000_000, true);    // 1 ms
    a.received(0, 2_000_000, false);   // 2 ms, out of order
    b.received(0, 30_000_000, true);   // 30 ms
    b.error();
    StepStats.Totals t = StepStats.merge(List.of(a, b));
    assertEquals(3, t.delivered());
    assertEquals(1, t.outOfOrder());
    assertEquals(1, t.errors());
    assertEquals(30, t.p99Micros() / 1000);
    StepStats clean = new StepStats();
    for (int i = 0; i < 100; i++) {
      clean.received(0, 1_000_000, true);
    }
    StepStats.Totals ok = StepStats.merge(List.of(clean));
    assertTrue(RateLadder.keepStepping(ok, 100, 10_000));
    assertFalse(RateLadder.keepStepping(ok, 101, 10_000), "one lost");
    assertFalse(RateLadder.keepStepping(ok, 100, 500), "p99 over the limit");
    assertFalse(RateLadder.keepStepping(t, 3, 100_000), "out of order and an error");
  }

  @Test
  void aLadderStepRoundTripsThroughItsLineAndCountsCpuPerDeliveredMessage() {
    LadderStep s = new LadderStep("PeerJS", 4000, 15.0, 60_000, 59_990, 0, 0, 800, 4_000, 9_000, 600, 300, 50, 900);
    assertEquals(s, LadderStep.fromTsv(s.toTsv()));
    assertEquals(10, s.lost());
    assertFalse(s.meets(10_000), "a loss fails the step");
    assertEquals(6e6 / 59_990, s.serverMicrosPerMessage(), 1e-9);
    assertEquals(0.2, s.generatorCores(), 1e-9);
  }

  @Test
  void handshakesRotateOverLoopbackSourceAddressesAndPeerJsIdsAreMadeUnique() {
    assertEquals("127.0.0.2", HandshakeBenchmark.sourceAddress(0, 16));
    assertEquals("127.0.0.17", HandshakeBenchmark.sourceAddress(15, 16));
    assertEquals("127.0.0.2", HandshakeBenchmark.sourceAddress(16, 16));
    assertEquals("127.0.1.1", HandshakeBenchmark.sourceAddress(255, 300));
    assertEquals("ws://h:1/peerjs?key=peerjs&id=hs7&token=t",
        HandshakeBenchmark.uriFor("ws://h:1/peerjs?key=peerjs&id=hs&token=t", 7).toString());
    assertEquals("ws://h:1/v1/ws", HandshakeBenchmark.uriFor("ws://h:1/v1/ws", 7).toString());
  }
}
