package io.greenmesh.signaling.peerjs;

import static io.greenmesh.signaling.peerjs.PeerJsClients.expectClosed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.expectErrorAndClose;
import static io.greenmesh.signaling.peerjs.PeerJsClients.expectOpen;
import static io.greenmesh.signaling.peerjs.PeerJsClients.expectRelayed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.newId;
import static io.greenmesh.signaling.peerjs.PeerJsClients.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PeerJS server protocol against a started node, over real WebSockets and HTTP: every message type and error
 * path, with the PeerJS server's (npm {@code peer} 1.0.2) behaviour as the specification.
 */
@Timeout(60)
class PeerJsProtocolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration QUIET = Duration.ofMillis(400);

  /** Held messages expire after 1 s; discovery on. */
  private static GreenMeshNode node;
  /** Small limits: 5 messages/s, 1 KiB frames, 1 s alive timeout; discovery off (the default). */
  private static GreenMeshNode strict;
  /** One registered id per node. */
  private static GreenMeshNode limited;

  private final PeerJsClients clients = new PeerJsClients();

  @BeforeAll
  static void startNodes() {
    node = TestNodes.start(Map.of(
        "greenmesh.peerjs.expire-timeout", "1s",
        "greenmesh.peerjs.allow-discovery", true));
    strict = TestNodes.start(Map.of(
        "greenmesh.signaling.rate-limit.messages-per-second", 5,
        "greenmesh.signaling.rate-limit.burst", 5,
        "greenmesh.signaling.max-frame-size", "1 KiB",
        "greenmesh.peerjs.alive-timeout", "1s"));
    limited = TestNodes.start(Map.of("greenmesh.peerjs.concurrent-limit", 1));
  }

  @AfterAll
  static void stopNodes() {
    node.close();
    strict.close();
    limited.close();
  }

  @AfterEach
  void closeClients() {
    clients.close();
  }

  // ---------------------------------------------------------------- HTTP API

  @Test
  void thePathAnswersWithTheServerInfoAndIdGivesAFreshUuidAsHtml() throws Exception {
    for (String p : List.of("/peerjs", "/peerjs/")) {
      HttpResponse<String> info = get(node, p, Map.of());
      assertEquals(200, info.statusCode());
      assertEquals("PeerJS Server", JSON.readTree(info.body()).path("name").asText());
    }
    HttpResponse<String> first = get(node, "/peerjs/peerjs/id?ts=17326" + "0.123&version=1.5.5", Map.of());
    HttpResponse<String> second = get(node, "/peerjs/peerjs/id", Map.of());
    assertEquals(200, first.statusCode());
    assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        () -> "content type " + first.headers());
    assertTrue(first.body().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        () -> "a random UUID: " + first.body());
    assertNotEquals(first.body(), second.body());
    assertEquals(200, get(node, "/peerjs/any-key/id", Map.of()).statusCode(), "like PeerJS, /id checks no key");
  }

  @Test
  void corsReflectsTheOriginAsThePeerJsServerDoes() throws Exception {
    HttpResponse<String> id = get(node, "/peerjs/peerjs/id", Map.of("Origin", "https://app.example"));
    assertEquals("https://app.example", id.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(uri(node, "/peerjs/peerjs/id"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "GET")
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode());
    assertEquals("https://app.example", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));
  }

  @Test
  void peersIsUnauthorizedUnlessDiscoveryIsAllowed() throws Exception {
    HttpResponse<String> refused = get(strict, "/peerjs/peerjs/peers", Map.of());
    assertEquals(401, refused.statusCode());
    assertEquals("Unauthorized", refused.body());

    String a = newId("a");
    clients.open(node, a, "t");
    HttpResponse<String> listed = get(node, "/peerjs/peerjs/peers", Map.of());
    assertEquals(200, listed.statusCode());
    List<String> ids = new ArrayList<>();
    JSON.readTree(listed.body()).forEach(n -> ids.add(n.asText()));
    assertTrue(ids.contains(a), () -> "registered ids " + ids);
  }

  // ---------------------------------------------------------------- opening a socket

  @Test
  void aSocketWithoutIdTokenOrKeyGetsAnErrorAndIsClosed() {
    for (String query : List.of("key=peerjs&token=t", "key=peerjs&id=x", "id=x&token=t", "key=peerjs&id=&token=t")) {
      expectErrorAndClose(clients.connectRaw(node, query), PeerJsMessage.INVALID_WS_PARAMETERS);
    }
  }

  @Test
  void anUnknownKeyGetsInvalidKey() {
    expectErrorAndClose(clients.connectRaw(node, "key=other&id=x&token=t"), PeerJsMessage.INVALID_KEY);
  }

  @Test
  void aNewIdGetsOpen() {
    WsClient a = clients.connect(node, newId("a"), "token-a");
    JsonNode open = a.expect("OPEN");
    assertEquals(List.of("type"), fieldNames(open));
    a.expectSilence(QUIET);
    expectOpen(a);
  }

  @Test
  void anIdInUseWithAnotherTokenIsTaken() {
    String a = newId("a");
    String b = newId("b");
    WsClient first = clients.open(node, a, "token-1");
    WsClient other = clients.connect(node, a, "token-2");
    JsonNode taken = other.expect("ID-TAKEN");
    assertEquals("ID is taken", taken.path("payload").path("msg").asText());
    expectClosed(other);

    WsClient bob = clients.open(node, b, "tb");
    send(bob, "OFFER", a, "{\"n\":1}");
    expectRelayed(first, "OFFER", b, a);
  }

  @Test
  void theSameTokenTakesTheIdOverSilentlyAndTheOldSocketStopsReceiving() {
    String a = newId("a");
    String b = newId("b");
    WsClient old = clients.open(node, a, "token-a");
    WsClient again = clients.connect(node, a, "token-a");
    again.expectSilence(QUIET); // PeerJS sends no OPEN to a client it still knows

    WsClient bob = clients.open(node, b, "tb");
    send(bob, "OFFER", a, "{\"n\":1}");
    expectRelayed(again, "OFFER", b, a);
    old.expectSilence(QUIET);
    expectOpen(old);

    // The old socket may still send, as the id.
    send(old, "ANSWER", b, "{\"n\":2}");
    expectRelayed(bob, "ANSWER", a, b);
  }

  @Test
  void afterTheSocketClosesTheIdIsFreeForAnyToken() {
    String a = newId("a");
    WsClient first = clients.open(node, a, "token-1");
    first.close();
    clients.awaitOpen(node, a, "token-2");
  }

  @Test
  void theClientsReconnectWithItsIdAndTokenGetsOpenOnceTheOldSocketClosed() {
    String a = newId("a");
    String b = newId("b");
    WsClient bob = clients.open(node, b, "tb");
    clients.open(node, a, "token-a").close();
    WsClient back = clients.awaitOpen(node, a, "token-a");
    send(bob, "OFFER", a, "{\"n\":1}");
    expectRelayed(back, "OFFER", b, a);
  }

  // ---------------------------------------------------------------- relaying

  @Test
  void offerAnswerAndCandidateAreRelayedWithTheSendersIdAsSrc() throws Exception {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");

    String offer = "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"},\"type\":\"media\",\"connectionId\":\"mc_1\","
        + "\"metadata\":{\"x\":[1,2.5,null,true]}}";
    ada.send("{\"type\":\"OFFER\",\"src\":\"spoofed\",\"dst\":\"" + b + "\",\"payload\":" + offer + ",\"extra\":1}");
    JsonNode relayed = expectRelayed(bob, "OFFER", a, b);
    assertEquals(List.of("type", "src", "dst", "payload"), fieldNames(relayed), "only the four fields, in order");
    assertEquals(JSON.readTree(offer), relayed.get("payload"), "payload as sent");

    send(bob, "ANSWER", a, "{\"sdp\":{\"type\":\"answer\"},\"type\":\"media\",\"connectionId\":\"mc_1\"}");
    expectRelayed(ada, "ANSWER", b, a);
    send(ada, "CANDIDATE", b, "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\"},"
        + "\"type\":\"media\",\"connectionId\":\"mc_1\"}");
    expectRelayed(bob, "CANDIDATE", a, b);
  }

  @Test
  void leaveAndExpireFromAClientAreRelayedAndAMissingPayloadStaysMissing() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");

    ada.send("{\"type\":\"LEAVE\",\"dst\":\"" + b + "\"}");
    JsonNode leave = expectRelayed(bob, "LEAVE", a, b);
    assertFalse(leave.has("payload"), () -> "no payload: " + leave);
    send(bob, "EXPIRE", a, "null");
    JsonNode expire = expectRelayed(ada, "EXPIRE", b, a);
    assertTrue(expire.has("payload") && expire.get("payload").isNull(), () -> "payload null kept: " + expire);
  }

  @Test
  void messagesForAnIdNotYetConnectedAreDeliveredInOrderAfterItsOpen() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    send(ada, "OFFER", b, "{\"n\":1}");
    send(ada, "CANDIDATE", b, "{\"n\":2}");
    send(ada, "CANDIDATE", b, "{\"n\":3}");

    WsClient bob = clients.connect(node, b, "tb");
    bob.expect("OPEN");
    for (int n = 1; n <= 3; n++) {
      JsonNode m = bob.next();
      assertEquals(n, m.path("payload").path("n").asInt(), () -> "held message " + m);
      assertEquals(a, m.path("src").asText());
    }
    ada.expectSilence(Duration.ofMillis(1500)); // delivered: no EXPIRE
  }

  @Test
  void heldMessagesExpireAndEachSenderGetsOneExpire() {
    String a = newId("a");
    String c = newId("c");
    String x = newId("x");
    WsClient ada = clients.open(node, a, "ta");
    WsClient cid = clients.open(node, c, "tc");
    send(ada, "OFFER", x, "{\"n\":1}");
    send(ada, "CANDIDATE", x, "{\"n\":2}");
    send(cid, "OFFER", x, "{\"n\":3}");

    JsonNode expire = ada.next();
    assertEquals("EXPIRE", expire.path("type").asText(), () -> "expected EXPIRE, got " + expire);
    assertEquals(List.of("type", "src", "dst"), fieldNames(expire));
    assertEquals(x, expire.path("src").asText(), "from the absent id");
    assertEquals(a, expire.path("dst").asText());
    expectRelayed(cid, "EXPIRE", x, c);
    ada.expectSilence(QUIET);

    WsClient late = clients.connect(node, x, "tx");
    late.expect("OPEN");
    late.expectSilence(QUIET); // the held messages are gone
  }

  @Test
  void leaveAndExpireForAnAbsentIdAreDropped() {
    String a = newId("a");
    String y = newId("y");
    WsClient ada = clients.open(node, a, "ta");
    send(ada, "LEAVE", y, "{\"n\":1}");
    send(ada, "EXPIRE", y, "{\"n\":2}");
    ada.expectSilence(Duration.ofMillis(1500));
    WsClient late = clients.connect(node, y, "ty");
    late.expect("OPEN");
    late.expectSilence(QUIET);
  }

  @Test
  void leaveWithoutDstFreesTheIdButKeepsTheSocket() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");
    ada.send("{\"type\":\"LEAVE\"}");

    WsClient other = clients.awaitOpen(node, a, "another-token");
    send(bob, "OFFER", a, "{\"n\":1}");
    expectRelayed(other, "OFFER", b, a);
    ada.expectSilence(QUIET);
    expectOpen(ada);
  }

  @Test
  void framesThePeerJsServerIgnoresAreIgnoredWithoutAnAnswer() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");
    for (String frame : List.of("not json", "[1,2]", "42", "null", "{\"type\":\"JOIN\",\"dst\":\"" + b + "\"}",
        "{\"type\":7}", "{\"type\":\"OFFER\",\"payload\":{}}", "{\"type\":\"OFFER\",\"dst\":\"\"}",
        "{\"type\":\"OFFER\",\"dst\":5}", "{\"type\":\"OPEN\",\"dst\":\"" + b + "\"}")) {
      ada.send(frame);
    }
    ada.expectSilence(QUIET);
    bob.expectSilence(Duration.ZERO);
    expectOpen(ada);
    send(ada, "OFFER", b, "{\"n\":1}");
    expectRelayed(bob, "OFFER", a, b);
  }

  @Test
  void aBinaryFrameIsReadAsJsonText() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");
    ada.sendBinary(("{\"type\":\"OFFER\",\"dst\":\"" + b + "\",\"payload\":{\"n\":1}}")
        .getBytes(StandardCharsets.UTF_8));
    expectRelayed(bob, "OFFER", a, b);
  }

  // ---------------------------------------------------------------- liveness and limits

  @Test
  void heartbeatsKeepAConnectionAliveAndSilenceClosesItAndFreesTheId() throws Exception {
    String a = newId("a");
    WsClient ada = clients.open(strict, a, "ta");
    Instant until = Instant.now().plusMillis(2500);
    while (Instant.now().isBefore(until)) {
      ada.send("{\"type\":\"HEARTBEAT\"}");
      Thread.sleep(300);
    }
    expectOpen(ada);
    ada.expectSilence(Duration.ZERO); // HEARTBEAT is never answered
    expectClosed(ada); // ... and without it, the 1 s alive timeout closes the socket
    clients.awaitOpen(strict, a, "another-token");
  }

  @Test
  void aFloodIsSlowedWithNothingDroppedThenClosedWith1008() throws Exception {
    // A node of its own: the strict node's 1 s alive timeout would close a socket this test keeps busy for 5 s.
    try (GreenMeshNode throttling = TestNodes.start(Map.of(
        "greenmesh.signaling.rate-limit.messages-per-second", 5,
        "greenmesh.signaling.rate-limit.burst", 5,
        "greenmesh.signaling.abuse.throttled-messages", 20))) {
      String a = newId("a");
      String b = newId("b");
      WsClient ada = clients.open(throttling, a, "ta");
      WsClient bob = clients.open(throttling, b, "tb");
      for (int i = 0; i < 30; i++) {
        send(ada, "CANDIDATE", b, "{\"n\":" + i + "}");
      }
      // The burst of 5 at once, then one every 200 ms, in order; the 20th held back closes the socket.
      for (int i = 0; i < 24; i++) {
        assertEquals(i, bob.expect("CANDIDATE").path("payload").path("n").asInt(), "in order, none dropped");
      }
      JsonNode error = ada.expect("ERROR");
      assertTrue(error.path("payload").path("msg").asText().contains("Too many messages"), error::toString);
      assertEquals(1008, ada.closed().get(5, java.util.concurrent.TimeUnit.SECONDS), "1008: policy violation");
    }
  }

  @Test
  void oversizedFramesAreDroppedThenTheConnectionIsClosed() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(strict, a, "ta");
    WsClient bob = clients.open(strict, b, "tb");
    String big = "{\"pad\":\"" + "x".repeat(2048) + "\"}";
    send(ada, "OFFER", b, big);
    send(ada, "OFFER", b, big);
    bob.expectSilence(QUIET);
    expectOpen(ada);
    send(ada, "OFFER", b, big);
    JsonNode error = ada.expect("ERROR");
    assertTrue(error.path("payload").path("msg").asText().contains("oversized"), error::toString);
    expectClosed(ada);
  }

  @Test
  void theConcurrentLimitRefusesNewIdsButNotATakeover() {
    String a = newId("a");
    WsClient first = clients.open(limited, a, "ta");
    expectErrorAndClose(clients.connect(limited, newId("b"), "tb"), PeerJsMessage.CONNECTION_LIMIT_EXCEED);
    WsClient again = clients.connect(limited, a, "ta");
    again.expectSilence(QUIET);
    expectOpen(again);
    expectOpen(first);
  }

  @Test
  void metricsCountPeerJsTraffic() throws Exception {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(node, a, "ta");
    WsClient bob = clients.open(node, b, "tb");
    send(ada, "OFFER", b, "{\"type\":\"data\",\"connectionId\":\"dc_1\"}");
    expectRelayed(bob, "OFFER", a, b);
    String metrics = get(node, "/metrics", Map.of()).body();
    for (String name : List.of("greenmesh_peerjs_messages_received_total{type=\"OFFER\"}",
        "greenmesh_peerjs_offers_total{connection_type=\"data\"}",
        "greenmesh_peerjs_messages_sent_total{type=\"OPEN\"}",
        "greenmesh_peerjs_connections ", "greenmesh_peerjs_peers_registered ")) {
      assertTrue(metrics.contains(name), () -> "metric " + name + " in\n" + grep(metrics, "greenmesh_peerjs"));
    }
  }

  // ---------------------------------------------------------------- helpers


  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static URI uri(GreenMeshNode n, String path) {
    return URI.create("http://127.0.0.1:" + n.httpPort() + path);
  }

  private static HttpResponse<String> get(GreenMeshNode n, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(n, path)).timeout(Duration.ofSeconds(5)).GET();
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String grep(String text, String word) {
    StringBuilder sb = new StringBuilder();
    text.lines().filter(l -> l.contains(word)).forEach(l -> sb.append(l).append('\n'));
    return sb.toString();
  }
}
