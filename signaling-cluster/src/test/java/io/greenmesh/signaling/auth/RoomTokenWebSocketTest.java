package io.greenmesh.signaling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.protocol.Grants;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A node that requires room tokens, and an open one that mints them for the demo. */
class RoomTokenWebSocketTest {
  private static final String SECRET = "a-shared-secret-of-at-least-32-bytes-for-hs256";
  private static GreenMeshNode tokenNode;
  private static GreenMeshNode openNode;
  private static RoomTokens minter;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    tokenNode = TestNodes.start(Map.of("greenmesh.auth.policy", "token", "greenmesh.auth.hs256-secret", SECRET));
    openNode = TestNodes.start(Map.of());
    minter = new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN, List.of(SECRET), List.of(), "", "",
        Duration.ofSeconds(30)), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    tokenNode.close();
    openNode.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
  }

  private WsClient client(GreenMeshNode node) {
    WsClient c = new WsClient(node.httpPort());
    clients.add(c);
    return c;
  }

  private static String room() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String join(String room, String token) {
    return "{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"ignored\",\"token\":\"" + token + "\"}";
  }

  @Test
  void withoutAValidTokenForTheRoomThereIsNoJoin() {
    String room = room();
    WsClient c = client(tokenNode);
    c.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
    assertTrue(c.expectError("unauthorized").get("message").asText().contains("requires a room token"));
    c.send(join(room, minter.mint("elsewhere", "Eve", Duration.ofMinutes(5), Grants.DEFAULT)));
    assertTrue(c.expectError("unauthorized").get("message").asText().contains("not for room"));
    c.send(join(room, "garbage"));
    c.expectError("unauthorized");
    JsonNode welcome = c.send(join(room, minter.mint(room, "Ada", Duration.ofMinutes(5), Grants.DEFAULT)))
        .expect("welcome");
    assertTrue(welcome.get("grants").get("broadcast").asBoolean());
    assertFalse(welcome.get("grants").get("moderator").asBoolean());
  }

  @Test
  void theSubjectIsTheDisplayIdentityAndGrantsAreEnforced() {
    String room = room();
    WsClient a = client(tokenNode);
    a.send(join(room, minter.mint(room, "Ada", Duration.ofMinutes(5), new Grants(true, false, false))))
        .expect("welcome");
    WsClient b = client(tokenNode);
    b.send(join(room, minter.mint("t-*", "Bob", Duration.ofMinutes(5), Grants.DEFAULT))).expect("welcome");
    assertEquals("Bob", a.expect("peer-joined").get("displayName").asText());
    a.send("{\"type\":\"broadcast\",\"data\":1}");
    a.expectError("unauthorized");
    a.send("{\"type\":\"kick\",\"peerId\":\"whoever\"}");
    a.expectError("unauthorized");
  }

  @Test
  void aModeratorRemovesAPeerAndTheGrantsSurviveAResume() {
    String room = room();
    WsClient mod = client(tokenNode);
    JsonNode wm = mod.send(join(room, minter.mint(room, "Mod", Duration.ofMinutes(5), new Grants(true, true, true))))
        .expect("welcome");
    WsClient b = client(tokenNode);
    String idB = b.send(join(room, minter.mint(room, "Bob", Duration.ofMinutes(5), Grants.DEFAULT)))
        .expect("welcome").get("peerId").asText();
    mod.expect("peer-joined");
    mod.send("{\"type\":\"kick\",\"peerId\":\"" + idB + "\"}");
    JsonNode removed = b.expect("removed");
    assertEquals(room, removed.get("room").asText());
    assertEquals(idB, mod.expect("peer-left").get("peerId").asText());
    b.send("{\"type\":\"broadcast\",\"data\":1}");
    b.expectError("not-joined");

    mod.abort();
    WsClient again = client(tokenNode);
    JsonNode resumed = again.send("{\"type\":\"resume\",\"sessionToken\":\"" + wm.get("sessionToken").asText() + "\"}")
        .expect("welcome");
    assertTrue(resumed.get("grants").get("moderator").asBoolean());
  }

  @Test
  void anOpenNodeMintsDemoTokensThatItAccepts() throws Exception {
    String room = room();
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + openNode.httpPort()
        + "/v1/token?room=" + room + "&name=Ada&moderator=true")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    String token = new ObjectMapper().readTree(r.body()).get("token").asText();
    JsonNode welcome = client(openNode).send(join(room, token)).expect("welcome");
    assertTrue(welcome.get("grants").get("moderator").asBoolean());
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + tokenNode.httpPort() + "/v1/token?room=" + room)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode());
  }
}
