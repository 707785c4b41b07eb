package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.fail;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * Two GreenMesh nodes in this JVM forming one Pekko Cluster over loopback: Artery on ports picked free up front, so
 * that the first node's address is known as the seed of both.
 */
final class TwoNodeCluster implements AutoCloseable {
  final GreenMeshNode first;
  final GreenMeshNode second;

  private TwoNodeCluster(GreenMeshNode first, GreenMeshNode second) {
    this.first = first;
    this.second = second;
  }

  static TwoNodeCluster start(Map<String, Object> overrides) {
    int firstPort = freeLoopbackPort();
    int secondPort = freeLoopbackPort();
    String seed = "pekko://greenmesh@127.0.0.1:" + firstPort;
    GreenMeshNode first = TestNodes.start(settings(overrides, firstPort, seed));
    GreenMeshNode second;
    try {
      second = TestNodes.start(settings(overrides, secondPort, seed));
    } catch (RuntimeException e) {
      first.close();
      throw e;
    }
    TwoNodeCluster cluster = new TwoNodeCluster(first, second);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (upMembers(first) < 2 || upMembers(second) < 2) {
      if (System.nanoTime() > deadline) {
        cluster.close();
        fail("the two nodes did not form a cluster within 30 s");
      }
      sleep(100);
    }
    return cluster;
  }

  private static Map<String, Object> settings(Map<String, Object> overrides, int port, String seed) {
    Map<String, Object> s = new HashMap<>(overrides);
    s.put("greenmesh.cluster.port", port);
    s.put("greenmesh.cluster.seed-nodes", seed);
    s.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    return s;
  }

  /** The PeerJS entity ids ({@code <key>/<id>}) hosted on {@code node} right now. */
  static Set<String> hostedPeerEntities(GreenMeshNode node) {
    ClusterSharding sharding = ClusterSharding.get(node.system());
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(sharding.shardState(),
                replyTo -> new GetShardRegionState(PeerJsPeer.TYPE_KEY, replyTo),
                Duration.ofSeconds(5), node.system().scheduler())
            .toCompletableFuture().join();
    Set<String> ids = new TreeSet<>();
    state.getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
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

  /** A loopback TCP port nobody listens on right now. */
  static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The second node dies as the first sees it: the first downs it (as the split-brain resolver would once it is
   * unreachable) and it stops without handing anything over.
   */
  void crashSecond() {
    Cluster.get(first.system()).manager().tell(new Down(Cluster.get(second.system()).selfMember().address()));
    second.close();
  }

  /** Stops the second node (a graceful leave: its shards move to the first). */
  void stopSecond() {
    second.close();
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (GreenMeshNode n : new GreenMeshNode[] {second, first}) {
      try {
        n.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
