package io.greenmesh.signaling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "a full room's joiner is disconnected": on the node's defaults (nothing raised), twenty clients from one
 * source address fill a room of 16 and start another; the 16th peer of the full room negotiates with the other 15 at
 * once, as a browser does (an offer, 8 candidates and end-of-candidates for each: 150 signals in one go), and every
 * signal arrives, in order, with no error.
 */
class FullRoomOnDefaultsTest {
  /** Offer, 8 trickled candidates, end-of-candidates: the upper end of what a browser sends per connection. */
  private static final int SIGNALS_PER_PEER = 10;

  private static GreenMeshNode node;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNodes.start(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void close() {
    clients.forEach(WsClient::close);
  }

  @Test
  void twentyClientsFromOneAddressAndTheJoinerOfAFullRoomNegotiatesWithEveryPeerAtOnce() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WsClient c = new WsClient(node.httpPort());
      clients.add(c);
      ids.add(c.join(i < 16 ? "full-room" : "next-room", "P" + i).get("peerId").asText());
    }
    WsClient joiner = clients.get(15);
    for (int n = 0; n < SIGNALS_PER_PEER; n++) {
      for (int p = 0; p < 15; p++) {
        joiner.send("{\"type\":\"signal\",\"to\":\"" + ids.get(p) + "\",\"data\":{\"n\":" + n + "}}");
      }
    }
    for (int p = 0; p < 15; p++) {
      WsClient peer = clients.get(p);
      for (int n = 0; n < SIGNALS_PER_PEER; n++) {
        JsonNode signal = nextSignal(peer);
        assertEquals(ids.get(15), signal.get("from").asText());
        assertEquals(n, signal.get("data").get("n").asInt(), "in order, none lost");
      }
    }
    joiner.send("{\"type\":\"ping\"}");
    JsonNode next = joiner.next(Duration.ofSeconds(5));
    assertEquals("pong", next.get("type").asText(), "no error before it: " + next);
  }

  /** The next signal, past the peer-joined announcements of those who joined after this peer. */
  private static JsonNode nextSignal(WsClient peer) {
    JsonNode n = peer.next();
    while (n.path("type").asText().equals("peer-joined")) {
      n = peer.next();
    }
    JsonNode signal = n;
    assertEquals("signal", signal.path("type").asText(), () -> "unexpected frame " + signal);
    return signal;
  }
}
