package io.greenmesh.signaling.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.FreePorts;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM on loopback, a real Pekko Cluster: rooms spread over the nodes, members of one room on
 * different nodes, a node that leaves and a node that crashes.
 */
class InJvmClusterTest {
  private final List<GreenMeshNode> nodes = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeEach
  void startCluster() throws Exception {
    int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    String seed = "pekko://greenmesh@127.0.0.1:" + ports[0];
    for (int port : ports) {
      nodes.add(TestNodes.start(Map.of(
          "greenmesh.cluster.port", port,
          "greenmesh.cluster.seed-nodes", seed,
          "greenmesh.signaling.resume.grace-period", "8s",
          "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
          "pekko.cluster.split-brain-resolver.stable-after", "2s",
          "pekko.remote.artery.advanced.aeron.give-up-message-after", "5s")));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (upMembers(nodes.get(0)) < 3) {
      assertTrue(System.nanoTime() < deadline, "cluster did not form");
      Thread.sleep(100);
    }
  }

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    nodes.forEach(n -> {
      try {
        n.close();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    });
  }

  private static int upMembers(GreenMeshNode n) {
    int up = 0;
    for (org.apache.pekko.cluster.Member m : Cluster.get(n.system()).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  private WsClient client(int node) {
    WsClient c = new WsClient(nodes.get(node).httpPort());
    clients.add(c);
    return c;
  }

  private record Member(WsClient client, String peerId, String token) {}

  /** One member per node in each of {@code count} rooms. */
  private List<List<Member>> rooms(int count) {
    List<List<Member>> rooms = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      String room = "c-" + UUID.randomUUID().toString().substring(0, 8);
      List<Member> members = new ArrayList<>();
      for (int n = 0; n < 3; n++) {
        WsClient c = client(n);
        JsonNode w = c.join(room, "n" + n);
        members.add(new Member(c, w.get("peerId").asText(), w.get("sessionToken").asText()));
        for (int earlier = 0; earlier < n; earlier++) {
          members.get(earlier).client().expect("peer-joined");
        }
      }
      rooms.add(members);
    }
    return rooms;
  }

  private static void signal(Member from, Member to, String text) {
    from.client().send("{\"type\":\"signal\",\"to\":\"" + to.peerId() + "\",\"data\":\"" + text + "\"}");
    JsonNode s = to.client().next();
    while (s.get("type").asText().equals("peer-joined")) {
      // A resumed client whose room restarted meets again the peers that re-register after it: not a loss.
      s = to.client().next();
    }
    assertEquals("signal", s.get("type").asText(), s::toString);
    assertEquals(from.peerId(), s.get("from").asText());
    assertEquals(text, s.get("data").asText());
  }

  @Test
  void membersOnDifferentNodesSignalEachOtherInOrder() throws Exception {
    List<Member> room = rooms(1).get(0);
    for (int i = 0; i < 3; i++) {
      Member from = room.get(i);
      Member to = room.get((i + 1) % 3);
      for (int k = 0; k < 20; k++) {
        from.client().send("{\"type\":\"signal\",\"to\":\"" + to.peerId() + "\",\"data\":" + k + "}");
      }
      for (int k = 0; k < 20; k++) {
        assertEquals(k, to.client().expect("signal").get("data").asInt());
      }
    }
    room.get(2).client().send("{\"type\":\"broadcast\",\"data\":\"all\"}");
    assertEquals("all", room.get(0).client().expect("broadcast").get("data").asText());
    assertEquals("all", room.get(1).client().expect("broadcast").get("data").asText());
    String metrics = nodes.get(0).telemetry().registry().scrape();
    assertTrue(metrics.contains("greenmesh_cluster_members{status=\"up\"} 3.0"), metrics);
    assertTrue(nodes.stream().mapToDouble(n ->
        n.telemetry().registry().get("greenmesh.signaling.cross.node.messages").counter().count()).sum() > 0);
  }

  @Test
  void aNodeLeavingGracefullyDisturbsNoRoomOnTheOthers() {
    List<List<Member>> rooms = rooms(6);
    nodes.get(2).close();
    for (List<Member> room : rooms) {
      // The node-2 member's connection closed; the others see no peer-left within the grace period...
      room.get(0).client().expectSilence(Duration.ofMillis(50));
      signal(room.get(0), room.get(1), "after-leave");
      signal(room.get(1), room.get(0), "still-here");
    }
    // ...and a new peer joining any of these rooms finds the members that remain, wherever the room now lives.
    for (List<Member> room : rooms) {
      WsClient late = client(0);
      String roomName = late.join(roomOf(room), "late").get("room").asText();
      assertEquals(roomOf(room), roomName);
    }
  }

  @Test
  void aCrashedNodesClientsResumeElsewhereAndNobodyElseNotices() throws Exception {
    List<List<Member>> rooms = rooms(6);
    GreenMeshNode victim = nodes.get(2);
    Cluster.get(nodes.get(0).system()).manager().tell(new Down(Cluster.get(victim.system()).selfMember().address()));
    victim.system().terminate();
    victim.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);

    for (List<Member> room : rooms) {
      Member lost = room.get(2);
      WsClient again = client(0);
      JsonNode w = resume(again, lost.token(), Duration.ofSeconds(10));
      assertEquals(lost.peerId(), w.get("peerId").asText());
      Member resumed = new Member(again, lost.peerId(), lost.token());
      signal(room.get(0), resumed, "welcome-back");
      signal(resumed, room.get(1), "thanks");
    }
    for (List<Member> room : rooms) {
      for (int i = 0; i < 2; i++) {
        room.get(i).client().expectSilence(Duration.ofMillis(20)); // no peer-left, no error
      }
    }
  }

  /**
   * A node shutting down closes its clients' connections with 1013 so they resume elsewhere. What a client sent
   * before it saw that Close is still read and delivered: here a client on the draining node trickles a burst of
   * candidates (within its message budget) across the moment of the drain, and its peer on another node gets every
   * one whose send completed.
   */
  @Test
  void aDrainingNodeStillDeliversWhatItsClientsSentBeforeTheirClose() throws Exception {
    String room = "drain-" + UUID.randomUUID().toString().substring(0, 8);
    WsClient b = client(0);
    String bId = b.join(room, "b").get("peerId").asText();
    WsClient a = client(2);
    a.join(room, "a");
    b.expect("peer-joined");
    Thread shutdown = new Thread(() -> nodes.get(2).close(), "node-2 shutdown");
    int lastSent = 0;
    for (int n = 1; n <= 180 && !a.closed().isDone(); n++) {
      if (n == 20) {
        shutdown.start();
      }
      try {
        a.send("{\"type\":\"signal\",\"to\":\"" + bId + "\",\"data\":" + n + "}");
        lastSent = n;
      } catch (RuntimeException closedMeanwhile) {
        break;
      }
      Thread.sleep(1);
    }
    assertEquals(1013, a.closed().get(15, TimeUnit.SECONDS), "the draining node asks its client to try elsewhere");
    java.util.Set<Integer> got = new java.util.TreeSet<>();
    List<String> others = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < lastSent && System.nanoTime() < deadline) {
      JsonNode m = b.nextOrNull(Duration.ofMillis(200));
      if (m != null && m.path("type").asText().equals("signal")) {
        got.add(m.get("data").asInt());
      } else if (m != null) {
        others.add(m.toString());
      }
    }
    System.out.println("drain: the client's last completed send was #" + lastSent + ", its peer got " + got.size());
    assertTrue(lastSent > 20, "the burst overlapped the shutdown");
    for (int n = 1; n <= lastSent; n++) {
      assertTrue(got.contains(n), "signal #" + n + " of " + lastSent + " sent before the Close was lost; got " + got
          + ", and " + others + "; the sender got " + drainInbox(a));
    }
    shutdown.join(30_000);
  }

  private static List<String> drainInbox(WsClient c) {
    List<String> out = new ArrayList<>();
    for (JsonNode m = c.nextOrNull(Duration.ofMillis(50)); m != null; m = c.nextOrNull(Duration.ofMillis(50))) {
      out.add(m.toString());
    }
    return out;
  }

  /** Resumes as a client does: retrying while the cluster is still re-homing the room, up to a deadline. */
  private static JsonNode resume(WsClient c, String token, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      c.send("{\"type\":\"resume\",\"sessionToken\":\"" + token + "\"}");
      JsonNode reply = c.next(Duration.ofSeconds(12)); // the node keeps asking the room for its 10 s join timeout
      if (reply.get("type").asText().equals("welcome")) {
        return reply;
      }
      assertEquals("internal", reply.path("code").asText(), reply::toString);
      assertTrue(System.nanoTime() < deadline, "no resume within " + within);
    }
  }

  private static String roomOf(List<Member> room) {
    return room.get(0).token() == null ? null : decodeRoom(room.get(0).token());
  }

  private static String decodeRoom(String token) {
    String body = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
        java.nio.charset.StandardCharsets.UTF_8);
    return body.split("\n")[1];
  }
}
