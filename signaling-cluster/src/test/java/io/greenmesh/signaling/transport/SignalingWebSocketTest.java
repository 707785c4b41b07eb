package io.greenmesh.signaling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Protocol v1 against a started node, over real WebSockets. */
class SignalingWebSocketTest {
  private static GreenMeshNode node;
  /**
   * Small limits, to reach them quickly: 2 peers per room, 5 messages/s, 20 held-back messages count as abuse, a 1 s
   * resume grace period.
   */
  private static GreenMeshNode strict;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNodes() {
    node = TestNodes.start(Map.of());
    strict = TestNodes.start(Map.of(
        "greenmesh.signaling.room.max-peers", 2,
        "greenmesh.signaling.rate-limit.messages-per-second", 5,
        "greenmesh.signaling.rate-limit.burst", 5,
        "greenmesh.signaling.abuse.throttled-messages", 20,
        "greenmesh.signaling.resume.grace-period", "1s"));
  }

  @AfterAll
  static void stopNodes() {
    node.close();
    strict.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
  }

  private WsClient client() {
    return client(node);
  }

  private WsClient client(GreenMeshNode n) {
    WsClient c = new WsClient(n.httpPort());
    clients.add(c);
    return c;
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void joinWelcomesWithPeerIdTokenAndTheOthers() {
    String room = room();
    WsClient a = client();
    JsonNode wa = a.join(room, "Ada");
    assertEquals(room, wa.get("room").asText());
    assertTrue(wa.get("peerId").asText().matches("[0-9a-z]{16}"));
    assertFalse(wa.get("sessionToken").asText().isEmpty());
    assertEquals(0, wa.get("peers").size());
    assertTrue(wa.get("iceServers").isArray());
    assertFalse(wa.get("resumed").asBoolean());

    WsClient b = client();
    JsonNode wb = b.join(room, "Bob");
    assertEquals(1, wb.get("peers").size());
    assertEquals(wa.get("peerId").asText(), wb.get("peers").get(0).get("peerId").asText());
    assertEquals("Ada", wb.get("peers").get(0).get("displayName").asText());

    JsonNode joined = a.expect("peer-joined");
    assertEquals(wb.get("peerId").asText(), joined.get("peerId").asText());
    assertEquals("Bob", joined.get("displayName").asText());
  }

  @Test
  void signalsArriveVerbatimAndInOrder() {
    String room = room();
    WsClient a = client();
    String idA = a.join(room, "A").get("peerId").asText();
    WsClient b = client();
    b.join(room, "B");
    a.expect("peer-joined");
    for (int i = 0; i < 40; i++) {
      b.send("{\"type\":\"signal\",\"to\":\"" + idA + "\",\"data\":{\"seq\":" + i + ",\"sdp\":\"v=0\\r\\n\",\"n\":[1,2.5,null]}}");
    }
    for (int i = 0; i < 40; i++) {
      JsonNode s = a.expect("signal");
      assertEquals(i, s.get("data").get("seq").asInt());
      assertEquals("v=0\r\n", s.get("data").get("sdp").asText());
      assertEquals("[1,2.5,null]", s.get("data").get("n").toString());
    }
  }

  @Test
  void broadcastReachesEveryoneButTheSender() {
    String room = room();
    WsClient a = client();
    a.join(room, "A");
    WsClient b = client();
    b.join(room, "B");
    a.expect("peer-joined");
    WsClient c = client();
    String idC = c.join(room, "C").get("peerId").asText();
    a.expect("peer-joined");
    b.expect("peer-joined");
    c.send("{\"type\":\"broadcast\",\"data\":{\"chat\":\"hello\"}}");
    for (WsClient receiver : List.of(a, b)) {
      JsonNode m = receiver.expect("broadcast");
      assertEquals(idC, m.get("from").asText());
      assertEquals("hello", m.get("data").get("chat").asText());
    }
    c.expectSilence(Duration.ofMillis(200));
  }

  @Test
  void leaveTellsTheOthersAndAllowsAnotherJoin() {
    String room = room();
    WsClient a = client();
    a.join(room, "A");
    WsClient b = client();
    String idB = b.join(room, "B").get("peerId").asText();
    a.expect("peer-joined");
    b.send("{\"type\":\"leave\"}");
    assertEquals(idB, a.expect("peer-left").get("peerId").asText());
    JsonNode again = b.join(room, "B");
    assertEquals(1, again.get("peers").size());
    a.expect("peer-joined");
  }

  @Test
  void closingTheConnectionLeavesAfterTheGracePeriod() {
    String room = room();
    WsClient a = client(strict);
    a.join(room, "A");
    WsClient b = client(strict);
    String idB = b.join(room, "B").get("peerId").asText();
    a.expect("peer-joined");
    b.abort();
    assertEquals(idB, a.expect("peer-left").get("peerId").asText());
  }

  @Test
  void resumeRestoresThePeerAndDeliversWhatWasHeld() {
    String room = room();
    WsClient a = client();
    JsonNode welcomeA = a.join(room, "A");
    String idA = welcomeA.get("peerId").asText();
    WsClient b = client();
    b.join(room, "B");
    a.expect("peer-joined");
    a.abort();
    for (int i = 0; i < 3; i++) {
      b.send("{\"type\":\"signal\",\"to\":\"" + idA + "\",\"data\":{\"seq\":" + i + "}}");
    }
    WsClient a2 = client();
    a2.send("{\"type\":\"resume\",\"sessionToken\":\"" + welcomeA.get("sessionToken").asText() + "\"}");
    JsonNode resumed = a2.expect("welcome");
    assertEquals(idA, resumed.get("peerId").asText());
    assertTrue(resumed.get("resumed").asBoolean());
    assertEquals(1, resumed.get("peers").size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, a2.expect("signal").get("data").get("seq").asInt());
    }
    b.send("{\"type\":\"signal\",\"to\":\"" + idA + "\",\"data\":{\"seq\":3}}");
    assertEquals(3, a2.expect("signal").get("data").get("seq").asInt());
    b.expectSilence(Duration.ofMillis(300)); // no peer-left
  }

  @Test
  void aThirdClientOnAFullRoomIsRefused() {
    String room = room();
    client(strict).join(room, "A");
    client(strict).join(room, "B");
    WsClient c = client(strict);
    c.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
    c.expectError("room-full");
    c.send("{\"type\":\"ping\"}");
    c.expect("pong");
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class BadInputGetsAClearErrorAndTheConnectionStaysOpen {

    @Test
    void malformedJson() {
      WsClient c = client();
      c.send("{not json");
      c.expectError("bad-request");
      c.send("[1,2]");
      c.expectError("bad-request");
      c.send("{\"type\":\"join\"}");
      assertEquals("join", c.expectError("bad-request").get("ref").asText());
      c.send("{\"type\":\"join\",\"room\":\"no spaces allowed\"}");
      c.expectError("bad-request");
      c.send("{\"type\":\"ping\"}");
      c.expect("pong");
    }

    @Test
    void unknownType() {
      WsClient c = client();
      c.send("{\"type\":\"teleport\"}");
      assertEquals("teleport", c.expectError("unknown-type").get("ref").asText());
      c.send("{\"type\":\"ping\"}");
      c.expect("pong");
    }

    @Test
    void notJoined() {
      WsClient c = client();
      c.send("{\"type\":\"signal\",\"to\":\"x\",\"data\":{}}");
      c.expectError("not-joined");
      c.send("{\"type\":\"broadcast\",\"data\":1}");
      c.expectError("not-joined");
      c.send("{\"type\":\"leave\"}");
      c.expectError("not-joined");
    }

    @Test
    void unknownPeer() {
      WsClient c = client();
      c.join(room(), "A");
      c.send("{\"type\":\"signal\",\"to\":\"nobody\",\"data\":{}}");
      c.expectError("unknown-peer");
      c.send("{\"type\":\"ping\"}");
      c.expect("pong");
    }

    @Test
    void unauthorizedResume() {
      WsClient c = client();
      c.send("{\"type\":\"resume\",\"sessionToken\":\"forged.token\"}");
      c.expectError("unauthorized");
      c.join(room(), "A");
    }

    @Test
    void joinTwice() {
      WsClient c = client();
      c.join(room(), "A");
      c.send("{\"type\":\"join\",\"room\":\"other\"}");
      c.expectError("bad-request");
    }

    @Test
    void tooLargeFramesAreRefusedAndRepeatedOnesCloseTheConnection() throws Exception {
      WsClient c = client();
      String big = "{\"type\":\"broadcast\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}";
      c.send(big);
      c.expectError("too-large");
      c.send("{\"type\":\"ping\"}");
      c.expect("pong");
      c.send(big);
      c.expectError("too-large");
      c.send(big);
      c.expectError("too-large"); // the third: final error, then the connection closes
      assertEquals(1009, c.closed().get(5, TimeUnit.SECONDS), "1009: message too big");
    }

    @Test
    void aFloodIsSlowedWithNothingDroppedThenClosedWith1008() throws Exception {
      WsClient c = client(strict);
      for (int i = 0; i < 30; i++) {
        c.send("{\"type\":\"ping\"}");
      }
      // The burst of 5 at once, then one every 200 ms: each message over the budget waits, none is refused, until
      // the 20th held back (the strict node's abuse threshold) closes the connection.
      for (int i = 0; i < 24; i++) {
        assertEquals("pong", c.next().get("type").asText(), "message " + i + " answered, late if need be");
      }
      assertEquals("rate-limited", c.expectError("rate-limited").get("code").asText());
      assertEquals(1008, c.closed().get(5, TimeUnit.SECONDS), "1008: policy violation");
    }

    @Test
    void otherRoomsAreUndisturbed() {
      String room = room();
      WsClient a = client();
      String idA = a.join(room, "A").get("peerId").asText();
      WsClient b = client();
      b.join(room, "B");
      a.expect("peer-joined");
      WsClient vandal = client();
      for (int i = 0; i < 20; i++) {
        vandal.send("\u0000garbage" + i);
      }
      b.send("{\"type\":\"signal\",\"to\":\"" + idA + "\",\"data\":\"still here\"}");
      assertEquals("still here", a.expect("signal").get("data").asText());
    }
  }

  @Test
  void trafficReportsAreAccountedAndTheCallEndsWithACarbonReport() throws Exception {
    String room = room();
    WsClient a = client();
    String idA = a.join(room, "A").get("peerId").asText();
    WsClient b = client();
    String idB = b.join(room, "B").get("peerId").asText();
    a.expect("peer-joined");
    String report = "{\"type\":\"stats\",\"peers\":[{\"peerId\":\"%s\",\"localCandidateType\":\"host\","
        + "\"remoteCandidateType\":\"host\",\"bytesSent\":%d}]}";
    a.send(String.format(report, idB, 0));
    b.send(String.format(report, idA, 0));
    Thread.sleep(1100);
    a.send(String.format(report, idB, 500_000));
    b.send(String.format(report, idA, 400_000));
    a.send(String.format(report, "someone-else", 1));
    a.expectError("bad-request");
    b.send("{\"type\":\"leave\"}");
    a.expect("peer-left");
    JsonNode ra = a.expect("carbon-report");
    JsonNode rb = b.expect("carbon-report");
    assertEquals(900_000, ra.get("bytesDirect").asLong());
    assertEquals(ra, rb);
    assertTrue(ra.get("avoidedCo2eGrams").get("swd-v4").asDouble() > 0, ra.toString());
    assertTrue(ra.get("message").asText().contains("CO2e"), ra.toString());

    String summary = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/carbon/summary")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(summary.contains("\"scope\":\"node\""), summary);
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("greenmesh_media_bytes_total{path=\"direct\"}"), metrics);
  }

  @Test
  void iceServersOverHttp() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/ice-servers")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("\"iceServers\""), r.body());
  }

  @Test
  void metricsCountMessagesAndErrors() throws Exception {
    WsClient c = client();
    c.send("{\"type\":\"teleport\"}");
    c.expectError("unknown-type");
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("greenmesh_signaling_errors_total{code=\"unknown-type\"}"), metrics);
    assertTrue(metrics.contains("greenmesh_signaling_join_duration_seconds_bucket"), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
  }
}
