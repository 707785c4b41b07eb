package io.greenmesh.loadtest.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The parts of the simulations that do not need a node: parameters, frames, the room board. */
class ParamsAndFramesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Params params(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return new Params("test", p);
  }

  @Test
  void baseUrlsBecomeTheSignalingWebSocket() {
    assertEquals("ws://127.0.0.1:8080/v1/ws", Params.webSocketUrl("http://127.0.0.1:8080"));
    assertEquals("wss://node.example:443/v1/ws", Params.webSocketUrl("https://node.example:443/"));
    assertEquals("ws://127.0.0.1:9/elsewhere", Params.webSocketUrl("ws://127.0.0.1:9/elsewhere"));
    assertThrows(IllegalArgumentException.class, () -> Params.webSocketUrl("ftp://127.0.0.1"));
    assertEquals(List.of("ws://127.0.0.1:1/v1/ws", "ws://127.0.0.1:2/v1/ws"),
        params("greenmesh.url", "http://127.0.0.1:9", "greenmesh.urls", "http://127.0.0.1:1, http://127.0.0.1:2")
            .webSocketUrls());
    assertEquals(List.of("ws://127.0.0.1:9/v1/ws"), params("greenmesh.url", "http://127.0.0.1:9").webSocketUrls());
  }

  @Test
  void durationsInSecondsOrWithAUnit() {
    assertEquals(Duration.ofSeconds(20), params("d", "20").duration("d", "1"));
    assertEquals(Duration.ofMillis(500), params("d", "0.5").duration("d", "1"));
    assertEquals(Duration.ofMillis(1500), params("d", "1500ms").duration("d", "1"));
    assertEquals(Duration.ofMinutes(2), params("d", "2m").duration("d", "1"));
    assertEquals(Duration.ofSeconds(3), params().duration("d", "3s"));
    assertThrows(IllegalArgumentException.class, () -> params("d", "soon").duration("d", "1"));
    assertThrows(IllegalArgumentException.class, () -> params("n", "many").integer("n", 1));
  }

  @Test
  void usersAreRoundedUpToFullRooms() {
    assertEquals(8, Params.roundUp(5, 4));
    assertEquals(8, Params.roundUp(8, 4));
    assertEquals(4, Params.roundUp(0, 4));
  }

  @Test
  void framesAreTheProtocolsJson() throws Exception {
    JsonNode join = JSON.readTree(Frames.join("storm-1", "gatling \"7\""));
    assertEquals("join", join.path("type").asText());
    assertEquals("gatling \"7\"", join.path("displayName").asText());

    JsonNode offer = JSON.readTree(Frames.offer("k3n0q8x1c4v7b2m5"));
    assertEquals("k3n0q8x1c4v7b2m5", offer.path("to").asText());
    assertEquals("offer", offer.path("data").path("description").path("type").asText());
    assertTrue(offer.path("data").path("description").path("sdp").asText().contains("\r\na=setup:actpass\r\n"));
    assertTrue(Frames.offer("x").length() > 2000 && Frames.offer("x").length() < 64 * 1024, "a browser-sized offer");

    JsonNode candidate = JSON.readTree(Frames.candidate("p", 7)).path("data").path("candidate");
    assertEquals(Frames.CANDIDATES.get(7 % Frames.CANDIDATES.size()), candidate.path("candidate").asText());
    assertTrue(JSON.readTree(Frames.endOfCandidates("p")).path("data").path("candidate").isNull());
    assertEquals("resume", JSON.readTree(Frames.resume("t.o.k")).path("type").asText());
  }

  @Test
  void theBoardTellsWhoIsWhereAndWhoListens() {
    RoomBoard board = new RoomBoard(4);
    assertTrue(board.joined(3, 1, "p1"));
    assertFalse(board.joined(3, 1, "p9"), "a place is taken once");
    assertFalse(board.joined(3, 4, "p9"), "a room of 4 has places 0 to 3");
    assertEquals("p1", board.peerId(3, 1));
    assertEquals(null, board.peerId(3, 2));
    assertFalse(board.armed(3, 0, 1));
    board.arm(3, 0, 1);
    assertTrue(board.armed(3, 0, 1));
    assertFalse(board.armed(3, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new RoomBoard(1));
  }
}
