package io.greenmesh.loadtest.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenmesh.loadtest.peerjs.PeerJsFrames.Kind;
import io.greenmesh.loadtest.signaling.LatencySummary;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerJsWorkloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theSocketUrlIsThePeerJsClients() {
    String expected = "ws://127.0.0.1:9000/peerjs?key=peerjs&id=lg-abc-1&token=t0k&version=1.5.5";
    assertEquals(expected, PeerJsFrames.socketUri("ws://127.0.0.1:9000/", "peerjs", "lg-abc-1", "t0k").toString());
    assertEquals("ws://127.0.0.1:8080/peerjs/peerjs?key=peerjs&id=a%20b&token=t&version=1.5.5",
        PeerJsFrames.socketUri("ws://127.0.0.1:8080/peerjs", "peerjs", "a b", "t").toString());
  }

  @Test
  void candidatesAreCandidateSizedAndCarryTheirTimestampAndStep() throws Exception {
    String frame = PeerJsFrames.message(Kind.CANDIDATE, "lg-x-1", "dc_abc", 123456789012L, 3);
    assertTrue(frame.length() > 250 && frame.length() < 450, () -> frame.length() + " bytes");
    JsonNode n = JSON.readTree(frame);
    assertEquals("CANDIDATE", n.get("type").asText());
    assertEquals("lg-x-1", n.get("dst").asText());
    assertEquals("dc_abc", n.at("/payload/connectionId").asText());
    assertTrue(n.at("/payload/candidate/candidate").asText().startsWith("candidate:"));
    assertEquals(0, n.at("/payload/candidate/sdpMLineIndex").asInt());
  }

  @Test
  void offersAndAnswersCarryAnSdpOfTwoToFourKilobytes() throws Exception {
    for (Kind kind : List.of(Kind.OFFER, Kind.ANSWER)) {
      String frame = PeerJsFrames.message(kind, "lg-x-0", "dc_abc", 1L, 1);
      assertTrue(frame.length() >= 2048 && frame.length() <= 4096, () -> kind + ": " + frame.length() + " bytes");
      JsonNode n = JSON.readTree(frame);
      assertEquals(kind.name(), n.get("type").asText());
      assertEquals(kind.name().toLowerCase(), n.at("/payload/sdp/type").asText());
      String sdp = n.at("/payload/sdp/sdp").asText();
      assertTrue(sdp.startsWith("v=0\r\no=- "), sdp.substring(0, 20));
      assertTrue(sdp.endsWith("\r\n"));
      assertTrue(sdp.contains("m=audio ") && sdp.contains("m=video "));
      assertTrue(sdp.contains(kind == Kind.OFFER ? "a=setup:actpass" : "a=setup:active"));
    }
    String escaped = PeerJsFrames.sdp("offer", 3000);
    assertTrue(escaped.length() >= 3000 && escaped.length() < 3100, () -> escaped.length() + " chars");
  }

  @Test
  void aRelayedMessageYieldsItsSenderTimestampAndStep() throws Exception {
    for (Kind kind : Kind.values()) {
      ObjectNode sent = (ObjectNode) JSON.readTree(PeerJsFrames.message(kind, "lg-x-1", "dc_a", 987654321L, 4));
      // as both servers relay it: type, src, dst, payload
      ObjectNode relayed = JSON.createObjectNode();
      relayed.put("type", kind.name());
      relayed.put("src", "lg-x-0");
      relayed.put("dst", "lg-x-1");
      relayed.set("payload", sent.get("payload"));
      assertEquals(new PeerJsFrames.Relayed(kind, "lg-x-0", 987654321L, 4),
          PeerJsFrames.relayed(relayed).orElseThrow());
    }
    assertTrue(PeerJsFrames.relayed(JSON.readTree("{\"type\":\"OPEN\"}")).isEmpty());
    assertTrue(PeerJsFrames.relayed(JSON.readTree("{\"type\":\"EXPIRE\",\"src\":\"a\",\"dst\":\"b\"}")).isEmpty());
    assertTrue(PeerJsFrames.relayed(JSON.readTree("{\"type\":\"CANDIDATE\",\"payload\":{\"t\":\"x\",\"s\":1}}"))
        .isEmpty());
  }

  @Test
  void everyPeerSendsToItsPartnerAndTheLoadIsSpreadEvenly() {
    Workload w = new Workload(100, 10);
    int[] sentBy = new int[100];
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    for (long i = 0; i < 100_000; i++) {
      Workload.Message m = w.message(i);
      sentBy[m.sender()]++;
      assertEquals(Workload.partner(m.sender()), m.receiver());
      assertEquals(m.sender(), Workload.partner(m.receiver()));
      if (m.kind() == Kind.OFFER) {
        assertEquals(0, m.sender() % 2, "offers come from the even peer of a pair");
      }
      if (m.kind() == Kind.ANSWER) {
        assertEquals(1, m.sender() % 2, "answers come from the odd peer of a pair");
      }
      kinds.merge(m.kind(), 1, Integer::sum);
    }
    for (int n : sentBy) {
      assertEquals(1000, n);
    }
    assertEquals(5000, kinds.get(Kind.OFFER));
    assertEquals(5000, kinds.get(Kind.ANSWER));
    assertEquals(90_000, kinds.get(Kind.CANDIDATE));
  }

  @Test
  void theSdpMessagesMoveFromPairToPairRoundByRound() {
    Workload w = new Workload(20, 10);
    Set<Integer> offerers = new HashSet<>();
    for (long i = 0; i < 20 * 10; i++) {
      Workload.Message m = w.message(i);
      if (m.kind() == Kind.OFFER) {
        offerers.add(m.sender());
      }
      if (m.kind() == Kind.ANSWER) {
        assertEquals(Kind.OFFER, w.message(i - 1).kind(), "a pair's offer and answer go out together");
      }
    }
    assertEquals(10, offerers.size(), "within ten rounds every pair exchanges SDP once: " + offerers);
    assertEquals(Kind.OFFER, new Workload(2, 1).message(0).kind());
    assertEquals(Kind.ANSWER, new Workload(2, 1).message(1).kind());
  }

  @Test
  void aWorkloadNeedsPairs() {
    assertThrows(IllegalArgumentException.class, () -> new Workload(3, 10));
    assertThrows(IllegalArgumentException.class, () -> new Workload(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new Workload(4, 0));
  }

  @Test
  void idsAndTokens() {
    assertEquals("lg-k3x9q0-17", Workload.peerId("k3x9q0", 17));
    assertEquals(17, Workload.peerIndex("k3x9q0", "lg-k3x9q0-17"));
    assertEquals(-1, Workload.peerIndex("k3x9q0", "lg-other-17"));
    assertEquals(-1, Workload.peerIndex("k3x9q0", "lg-k3x9q0-x"));
    assertEquals(-1, Workload.peerIndex("k3x9q0", null));
    Random random = new Random(42);
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String t = Workload.token(random);
      assertTrue(t.matches("[a-z0-9]{11}"), t);
      tokens.add(t);
    }
    assertEquals(1000, tokens.size());
    assertTrue(Workload.runId(random).matches("[a-z0-9]{6}"));
  }

  @Test
  void ratesAndWhenTheSteppingStops() {
    assertEquals(List.of(500, 1000, 2000, 4000, 8000), Workload.rates("500,1000, 2000,4000,8000"));
    assertThrows(IllegalArgumentException.class, () -> Workload.rates("500,0"));
    assertThrows(IllegalArgumentException.class, () -> Workload.rates(" , "));
    assertTrue(Workload.keepStepping(100_000, 0, 10, 10, 100_000));
    assertFalse(Workload.keepStepping(100_001, 0, 10, 10, 100_000), "p99 over the limit");
    assertFalse(Workload.keepStepping(5, 1, 10, 10, 100_000), "an error");
    assertFalse(Workload.keepStepping(5, 0, 10, 9, 100_000), "a message lost");
    assertTrue(Workload.meets(10_000, 0, 10, 10, 10_000));
    assertFalse(Workload.meets(0, 0, 0, 0, 10_000), "nothing sent is not a result");
  }

  @Test
  void resultsSurviveTheirFileAndMakeTheReport() {
    StepResult gm1 = row("GreenMesh", 500, 2_000, 0, 7500, 7500);
    StepResult gm2 = row("GreenMesh", 1000, 9_000, 0, 15000, 15000);
    StepResult gm3 = row("GreenMesh", 2000, 40_000, 0, 30000, 30000);
    StepResult pj1 = row("PeerJS", 500, 3_000, 0, 7500, 7500);
    StepResult pj2 = row("PeerJS", 1000, 12_000, 0, 15000, 15000);
    StepResult pj3 = row("PeerJS", 2000, 5_000, 2, 30000, 29990);
    assertEquals(gm2, StepResult.fromTsv(gm2.toTsv()));
    assertEquals(150.0, gm2.serverCpuMicrosPerMessage(), 1e-9, "225 ticks = 2.25 s over 15,000 messages");
    Map<String, List<StepResult>> byServer = PeerJsReport.byServer(List.of(StepResult.HEADER, gm1.toTsv(),
        pj1.toTsv(), gm2.toTsv(), "", pj2.toTsv(), gm3.toTsv(), pj3.toTsv()));
    assertEquals(List.of("GreenMesh", "PeerJS"), List.copyOf(byServer.keySet()));
    assertEquals(OptionalInt.of(1000), PeerJsReport.sustained(byServer.get("GreenMesh"), 10_000));
    assertEquals(OptionalInt.of(500), PeerJsReport.sustained(byServer.get("PeerJS"), 10_000),
        "2,000/s had errors and a loss, 1,000/s a p99 over 10 ms");
    assertEquals("2.00", PeerJsReport.ratio(OptionalInt.of(1000), OptionalInt.of(500)));
    assertEquals("0.00", PeerJsReport.ratio(OptionalInt.empty(), OptionalInt.of(500)));
    assertTrue(PeerJsReport.ratio(OptionalInt.of(1), OptionalInt.empty()).startsWith("n/a"));
    String md = PeerJsReport.markdown(byServer, 10_000);
    assertTrue(md.contains("| 1,000 | 1,000 | 15,000/15,000 | 1.00 | 9.00 |"), md);
    assertTrue(md.contains("Ratio GreenMesh / PeerJS: 2.00"), md);
  }

  private static StepResult row(String server, int rate, long p99, long errors, long sent, long delivered) {
    return new StepResult(server, rate, 15.0, sent, delivered, new LatencySummary(delivered, 1000, 2000, p99,
        p99 * 2), p99, errors, 225, 3, 300, 50, 1200, "1.00 0.50 0.25");
  }
}
