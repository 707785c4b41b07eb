package io.greenmesh.signaling.peerjs;

import static io.greenmesh.signaling.peerjs.PeerJsClients.expectClosed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.expectRelayed;
import static io.greenmesh.signaling.peerjs.PeerJsClients.newId;
import static io.greenmesh.signaling.peerjs.PeerJsClients.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void whenANodeLeavesItsClientsReconnectElsewhereWithTheirIdAndTokenAndOthersKeepTheirIds() {
    nodeGoesAway(false);
  }

  @Test
  void whenANodeCrashesItsClientsReconnectElsewhereWithTheirIdAndTokenAndOthersKeepTheirIds() {
    nodeGoesAway(true);
  }

  private void nodeGoesAway(boolean crash) {
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

    if (crash) {
      cluster.crashSecond();
    } else {
      cluster.stopSecond();
    }

    // Bob's socket died with its node; his client reconnects to the other node with the same id and token. Whether
    // it gets OPEN (the cluster already knew the old socket was gone) or takes the id over silently (not yet), as
    // with the PeerJS server, messages reach it — once the dead node's shards have a new home.
    WsClient bob = crash ? clients.connect(cluster.first, b, "token-b") : clients.awaitOpen(cluster.first, b, "token-b");
    JsonNode toBob = awaitRelayed(ada, bob, b, crash);
    assertEquals(a, toBob.path("src").asText());

    // Pat never reconnected: its socket registered again with the restarted entity, silently.
    awaitRelayed(ada, pat, p, false);
  }

  /**
   * Sends OFFERs from {@code from} to {@code id} until {@code to} receives one (messages sent while the id's entity is
   * being re-homed may come back as EXPIRE). {@code openAllowed}: {@code to} may get OPEN first.
   */
  private static JsonNode awaitRelayed(WsClient from, WsClient to, String id, boolean openAllowed) {
    Instant deadline = Instant.now().plusSeconds(45);
    for (int n = 0; Instant.now().isBefore(deadline); n++) {
      send(from, "OFFER", id, "{\"n\":" + n + "}");
      JsonNode m = to.nextOrNull(Duration.ofSeconds(1));
      while (m != null && openAllowed && m.path("type").asText().equals("OPEN")) {
        m = to.nextOrNull(Duration.ofSeconds(1));
      }
      if (m != null) {
        JsonNode got = m;
        assertEquals("OFFER", got.path("type").asText(), () -> "unexpected " + got);
        return got;
      }
      assertFalse(to.closed().isDone(), "the socket of " + id + " was closed");
    }
    throw new AssertionError("no OFFER reached " + id + " within 45 s");
  }

}
