package io.greenmesh.signaling.peerjs;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 on the PeerJS endpoint, on the node's defaults: twenty PeerJS clients from one source address; one of them
 * negotiates with fifteen others at once (an offer, 8 candidates and end-of-candidates each: 150 messages in one
 * go), and every message arrives, in order, and the sender gets no ERROR.
 */
class PeerJsFullRoomOnDefaultsTest {
  private static final int MESSAGES_PER_PEER = 10;
  private static GreenMeshNode node;

  @BeforeAll
  static void start() {
    node = TestNodes.start(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void twentyClientsFromOneAddressAndOneNegotiatesWithFifteenAtOnce() {
    try (PeerJsClients clients = new PeerJsClients()) {
      List<String> ids = new ArrayList<>();
      List<WsClient> sockets = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String id = PeerJsClients.newId("p" + i);
        ids.add(id);
        sockets.add(clients.open(node, id, "t" + i));
      }
      WsClient joiner = sockets.get(15);
      for (int n = 0; n < MESSAGES_PER_PEER; n++) {
        for (int p = 0; p < 15; p++) {
          PeerJsClients.send(joiner, n == 0 ? "OFFER" : "CANDIDATE", ids.get(p), "{\"n\":" + n + "}");
        }
      }
      for (int p = 0; p < 15; p++) {
        for (int n = 0; n < MESSAGES_PER_PEER; n++) {
          JsonNode m = PeerJsClients.expectRelayed(sockets.get(p), n == 0 ? "OFFER" : "CANDIDATE", ids.get(15),
              ids.get(p));
          assertEquals(n, m.path("payload").path("n").asInt(), "in order, none lost");
        }
      }
      joiner.expectSilence(Duration.ofMillis(500)); // no ERROR: PeerJS clients abort on any
    }
  }
}
