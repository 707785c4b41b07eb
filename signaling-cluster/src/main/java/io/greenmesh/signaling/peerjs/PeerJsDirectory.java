package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Which ids are registered through connections on this node: the count behind {@code concurrent-limit} (per node)
 * and, through one small actor per node found with the receptionist, the cluster-wide {@code GET /peers} list.
 */
public final class PeerJsDirectory {

  static final ServiceKey<Query> SERVICE_KEY = ServiceKey.create(Query.class, "greenmesh-peerjs-directory");

  /** Asks a node for the ids registered through its connections. */
  public record Query(ActorRef<Ids> replyTo) implements CborSerializable {}

  public record Ids(List<String> ids) implements CborSerializable {
    public Ids {
      ids = List.copyOf(ids);
    }
  }

  private final ConcurrentHashMap<ActorRef<?>, String> registered = new ConcurrentHashMap<>();
  private final PeerJsMetrics metrics;

  PeerJsDirectory(PeerJsMetrics metrics) {
    this.metrics = metrics;
  }

  void register(ActorRef<?> connection, String id) {
    if (registered.put(connection, id) == null) {
      metrics.registered().incrementAndGet();
    }
  }

  void unregister(ActorRef<?> connection) {
    if (registered.remove(connection) != null) {
      metrics.registered().decrementAndGet();
    }
  }

  /** Registered connections on this node. */
  int size() {
    return registered.size();
  }

  Set<String> localIds() {
    return new TreeSet<>(registered.values());
  }

  /** The node's directory actor; registers itself with the receptionist. */
  Behavior<Query> behavior() {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
      return Behaviors.receiveMessage(q -> {
        q.replyTo().tell(new Ids(new ArrayList<>(localIds())));
        return Behaviors.same();
      });
    });
  }

  /** The ids registered anywhere in the cluster; a node that does not answer within {@code timeout} adds none. */
  static CompletionStage<Set<String>> clusterIds(ActorSystem<?> system, Duration timeout) {
    CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
        replyTo -> Receptionist.find(SERVICE_KEY, replyTo), timeout, system.scheduler());
    return listing.thenCompose(l -> {
      List<CompletableFuture<Ids>> answers = new ArrayList<>();
      for (ActorRef<Query> node : l.getServiceInstances(SERVICE_KEY)) {
        answers.add(AskPattern.<Query, Ids>ask(node, Query::new, timeout, system.scheduler())
            .toCompletableFuture()
            .exceptionally(failure -> new Ids(List.of())));
      }
      return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
        Set<String> ids = new TreeSet<>();
        answers.forEach(a -> ids.addAll(a.join().ids()));
        return ids;
      });
    });
  }
}
