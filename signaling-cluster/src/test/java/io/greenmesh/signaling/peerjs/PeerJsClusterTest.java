package io.greenmesh.signaling.peerjs;

import static io.greenmesh.signaling.peerjs.PeerJsClients.expectClosed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.expectRelayed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.newId;
import static io.greenmesh.signaling.peerjs.PeerJsClients.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PeerJS over a two-node cluster in one JVM: ids are sharded entities, so the node a client connects to does not
 * matter — for relaying, holding, ID-TAKEN, takeover, and for a client whose node goes away.
 */
@Timeout(90)
class PeerJsClusterTest {
  private static final Duration QUIET = Duration.ofMillis(500);

  private TwoNodeCluster cluster;
  private final PeerJsClients clients = new PeerJsClients();

  @BeforeEach
  void startCluster() {
    cluster = TwoNodeCluster.start(Map.of("greenmesh.peerjs.expire-timeout", "1s"));
  }

  @AfterEach
  void stopCluster() {
    clients.close();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void peersConnectedToDifferentNodesReachEachOther() {
    String a = newId("a");
    String b = newId("b");
    WsClient ada = clients.open(cluster.first, a, "ta");
    WsClient bob = clients.open(cluster.second, b, "tb");

    send(ada, "OFFER", b, "{\"type\":\"data\",\"connectionId\":\"dc_1\"}");
    expectRelayed(bob, "OFFER", a, b);
    send(bob, "ANSWER", a, "{\"type\":\"data\",\"connectionId\":\"dc_1\"}");
    expectRelayed(ada, "ANSWER", b, a);
    send(ada, "CANDIDATE", b, "{\"n\":1}");
    send(bob, "CANDIDATE", a, "{\"n\":2}");
    expectRelayed(bob, "CANDIDATE", a, b);
    expectRelayed(ada, "CANDIDATE", b, a);
    ada.send("{\"type\":\"LEAVE\",\"dst\":\"" + b + "\"}");
    expectRelayed(bob, "LEAVE", a, b);
  }

  @Test
  void messagesForAnIdNotConnectedAnywhereAreHeldThenDeliveredOnAnyNodeOrExpired() {
    String a = newId("a");
    String x = newId("x");
    String y = newId("y");
    WsClient ada = clients.open(cluster.first, a, "ta");
    send(ada, "OFFER", x, "{\"n\":1}");
    send(ada, "OFFER", y, "{\"n\":2}");

    WsClient late = clients.connect(cluster.second, x, "tx");
    late.expect("OPEN");
    assertEquals(1, expectRelayed(late, "OFFER", a, x).path("payload").path("n").asInt());

    JsonNode expire = ada.next();
    assertEquals("EXPIRE", expire.path("type").asText(), () -> "expected EXPIRE, got " + expire);
    assertEquals(y, expire.path("src").asText());
    ada.expectSilence(QUIET);
  }

  @Test
  void anIdIsTakenClusterWideAndTheSameTokenTakesItOverFromAnotherNode() {
    String a = newId("a");
    String b = newId("b");
    WsClient first = clients.open(cluster.first, a, "token-a");
    WsClient thief = clients.connect(cluster.second, a, "other-token");
    thief.expect("ID-TAKEN");
    expectClosed(thief);

    WsClient moved = clients.connect(cluster.second, a, "token-a");
    moved.expectSilence(QUIET); // a takeover: no OPEN
    WsClient bob = clients.open(cluster.first, b, "tb");
    send(bob, "OFFER", a, "{\"n\":1}");
    expectRelayed(moved, "OFFER", b, a);
    first.expectSilence(QUIET);
  }

  @Test
  void whenANodeGoesAwayItsClientsReconnectElsewhereWithTheirIdAndTokenAndOthersKeepTheirIds() {
    // Clients on the first node whose ids live on the second: their entities restart on the first node.
    List<String> hostedElsewhere = new ArrayList<>();
    List<WsClient> staying = new ArrayList<>();
    // Until the second node's shard region has registered with the coordinator, every shard goes to the first.
    Instant deadline = Instant.now().plusSeconds(20);
    while (hostedElsewhere.isEmpty() && Instant.now().isBefore(deadline) && staying.size() < 200) {
      String p = newId("p");
      staying.add(clients.open(cluster.first, p, "tp"));
      if (TwoNodeCluster.hostedPeerEntities(cluster.second).contains(PeerJsPeer.entityId("peerjs", p))) {
        hostedElsewhere.add(p);
      } else {
        TwoNodeCluster.sleep(50);
      }
    }
    assertTrue(!hostedElsewhere.isEmpty(), () -> "none of " + staying.size() + " ids was hosted on the second node");
    String p = hostedElsewhere.get(0);
    WsClient pat = staying.get(staying.size() - 1);

    String b = newId("b");
    clients.open(cluster.second, b, "token-b");
    String a = newId("a");
    WsClient ada = clients.open(cluster.first, a, "ta");

    cluster.stopSecond();

    // Bob's socket died with its node; his client reconnects to the other node with the same id and token.
    WsClient bob = awaitOpen(cluster.first, b, "token-b");
    send(ada, "OFFER", b, "{\"n\":1}");
    expectRelayed(bob, "OFFER", a, b);

    // Pat never reconnected: its connection registered again with the restarted entity, silently.
    send(ada, "OFFER", p, "{\"n\":2}");
    expectRelayed(pat, "OFFER", a, p);
    pat.expectSilence(QUIET);
  }

  /** Connects until the id is free, bounded to 20 s (a node leaving takes a few seconds to be noticed). */
  private WsClient awaitOpen(GreenMeshNode node, String id, String token) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      WsClient c = clients.connect(node, id, token);
      JsonNode first = c.nextOrNull(Duration.ofSeconds(2));
      if (first != null && first.path("type").asText().equals("OPEN")) {
        return c;
      }
      c.close();
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("id " + id + " not registered anew within 20 s; last answer " + first);
      }
      TwoNodeCluster.sleep(200);
    }
  }
}
