package io.greenmesh.signaling.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Cluster health as this node sees it: members by status, unreachable members, and the shards and entities of each
 * sharded type hosted here. Membership is read at scrape time; shard counts are polled, since asking the shard region
 * is a message round trip.
 */
public final class ClusterMetrics {
  private static final List<MemberStatus> STATUSES = List.of(MemberStatus.joining(), MemberStatus.weaklyUp(),
      MemberStatus.up(), MemberStatus.leaving(), MemberStatus.exiting(), MemberStatus.down());

  private ClusterMetrics() {}

  public static void bind(ActorSystem<?> system, MeterRegistry registry, List<EntityTypeKey<?>> types) {
    Cluster cluster = Cluster.get(system);
    for (MemberStatus status : STATUSES) {
      Gauge.builder("greenmesh.cluster.members", () -> count(cluster, status))
          .description("cluster members by status, as this node sees them")
          .tag("status", name(status)).register(registry);
    }
    Gauge.builder("greenmesh.cluster.unreachable.members", () -> cluster.state().getUnreachable().size())
        .description("members this node's failure detector considers unreachable").register(registry);
    Gauge.builder("greenmesh.cluster.self.up", () -> cluster.selfMember().status() == MemberStatus.up() ? 1 : 0)
        .description("1 when this node is an Up member of the cluster").register(registry);
    for (EntityTypeKey<?> type : types) {
      AtomicInteger shards = new AtomicInteger();
      AtomicInteger entities = new AtomicInteger();
      registry.gauge("greenmesh.sharding.shards", List.of(io.micrometer.core.instrument.Tag.of("type", type.name())),
          shards);
      registry.gauge("greenmesh.sharding.entities",
          List.of(io.micrometer.core.instrument.Tag.of("type", type.name())), entities);
      system.systemActorOf(poller(type, shards, entities), "shard-stats-" + type.name(), Props.empty());
    }
  }

  private static int count(Cluster cluster, MemberStatus status) {
    int n = 0;
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == status) {
        n++;
      }
    }
    return n;
  }

  private static String name(MemberStatus status) {
    return status.toString().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
  }

  private static Behavior<Object> poller(EntityTypeKey<?> type, AtomicInteger shards, AtomicInteger entities) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay("poll", "poll", Duration.ofSeconds(5));
      ActorRef<ShardRegion.CurrentShardRegionState> replies =
          ctx.messageAdapter(ShardRegion.CurrentShardRegionState.class, s -> s);
      return Behaviors.receive(Object.class)
          .onMessageEquals("poll", () -> {
            ClusterSharding.get(ctx.getSystem()).shardState().tell(new GetShardRegionState(type, replies));
            return Behaviors.same();
          })
          .onMessage(ShardRegion.CurrentShardRegionState.class, state -> {
            shards.set(state.getShards().size());
            entities.set(state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum());
            return Behaviors.same();
          })
          .build();
    }));
  }
}
