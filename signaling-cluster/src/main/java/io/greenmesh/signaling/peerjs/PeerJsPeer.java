package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.CborSerializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One PeerJS id of one key: the sharded entity {@code <key>/<id>} that plays the PeerJS server's {@code Client} and
 * message queue for that id, wherever in the cluster its WebSocket is.
 *
 * <p>It owns the id's token and the connection that currently speaks for it. A connection with the same token takes
 * the id over (no OPEN, as in PeerJS); another token gets ID-TAKEN. Messages for the id are relayed to its
 * connection; while no connection is registered, offers, answers and candidates are held, then — after the expire
 * timeout — each sender gets one EXPIRE. LEAVE and EXPIRE for an absent id are dropped.
 *
 * <p>It keeps no durable state: if its node dies, it starts again empty elsewhere and the connections that spoke for
 * it register again with their tokens.
 */
public final class PeerJsPeer extends AbstractBehavior<PeerJsPeer.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "peerjs-peer");

  /** What a PeerJS peer entity understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A connection for this id with {@code token}. {@code atConcurrentLimit}: its node is full, which refuses a new
   * registration but not a takeover. {@code again}: a connection that was registered re-registers after this entity
   * restarted; it gets no OPEN.
   */
  public record Connect(String token, ActorRef<PeerJsConnection.Command> connection, boolean atConcurrentLimit,
      boolean again) implements Command {}

  /** A message for this id from another peer (or an EXPIRE generated for it). */
  public record Transmit(PeerJsMessage message) implements Command {}

  /** The connection's WebSocket closed; if it is the current one, the id is free again (held messages stay). */
  public record Disconnected(ActorRef<PeerJsConnection.Command> connection) implements Command {}

  /** The current connection sent no HEARTBEAT for the alive timeout: the id is freed and held messages dropped. */
  public record AliveTimedOut(ActorRef<PeerJsConnection.Command> connection) implements Command {}

  /** {@code LEAVE} without {@code dst} from the id's own connection: the id is freed. */
  public record Remove() implements Command {}

  private record ConnectionTerminated(ActorRef<PeerJsConnection.Command> connection) implements Command {}

  private record HoldExpired() implements Command {}

  /** Registers the entity type with Cluster Sharding on this node. */
  static void initSharding(org.apache.pekko.actor.typed.ActorSystem<?> system, PeerJsSettings settings,
      PeerJsMetrics metrics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(TYPE_KEY, ctx -> Behaviors.<Command>setup(c -> Behaviors.withTimers(timers ->
        new PeerJsPeer(c, timers, ctx.getEntityId(), settings, metrics, sharding, ctx.getShard())))));
  }

  /** The entity id of {@code id} under {@code key}; keys never contain '/', ids may. */
  static String entityId(String key, String id) {
    return key + "/" + id;
  }

  private final TimerScheduler<Command> timers;
  private final String key;
  private final String id;
  private final PeerJsSettings settings;
  private final PeerJsMetrics metrics;
  private final ClusterSharding sharding;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /** The registered client: null while the id is free. */
  private String token;
  private ActorRef<PeerJsConnection.Command> connection;

  /** Messages for the id while it is free, oldest first, and who sent them (each gets one EXPIRE). */
  private final ArrayDeque<PeerJsMessage> held = new ArrayDeque<>();
  private final Set<String> heldFrom = new LinkedHashSet<>();

  private PeerJsPeer(ActorContext<Command> ctx, TimerScheduler<Command> timers, String entityId,
      PeerJsSettings settings, PeerJsMetrics metrics, ClusterSharding sharding,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(ctx);
    this.timers = timers;
    int slash = entityId.indexOf('/');
    this.key = entityId.substring(0, slash);
    this.id = entityId.substring(slash + 1);
    this.settings = settings;
    this.metrics = metrics;
    this.sharding = sharding;
    this.shard = shard;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Connect.class, this::onConnect)
        .onMessage(Transmit.class, this::onTransmit)
        .onMessage(Disconnected.class, d -> onGone(d.connection()))
        .onMessage(ConnectionTerminated.class, t -> onGone(t.connection()))
        .onMessage(AliveTimedOut.class, this::onAliveTimedOut)
        .onMessage(Remove.class, r -> {
          free();
          return passivateIfIdle();
        })
        .onMessage(HoldExpired.class, e -> onHoldExpired())
        .build();
  }

  private Behavior<Command> onConnect(Connect c) {
    if (token != null) {
      if (!token.equals(c.token())) {
        c.connection().tell(new PeerJsConnection.Refused(PeerJsConnection.Refusal.ID_TAKEN));
        return this;
      }
      // Same token: the client is back (PeerJS server: _configureWS without OPEN); the old socket just stops
      // receiving.
      if (!connection.equals(c.connection())) {
        getContext().unwatch(connection);
        connection.tell(new PeerJsConnection.Unregistered());
        attach(c.connection());
      }
      c.connection().tell(new PeerJsConnection.Registered(getContext().getSelf(), false, releaseHeld()));
      return this;
    }
    if (c.atConcurrentLimit() && !c.again()) {
      c.connection().tell(new PeerJsConnection.Refused(PeerJsConnection.Refusal.CONCURRENT_LIMIT));
      return passivateIfIdle();
    }
    token = c.token();
    attach(c.connection());
    c.connection().tell(new PeerJsConnection.Registered(getContext().getSelf(), !c.again(), releaseHeld()));
    return this;
  }

  private Behavior<Command> onTransmit(Transmit t) {
    PeerJsMessage m = t.message();
    if (connection != null) {
      connection.tell(new PeerJsConnection.Deliver(m));
      if (!connection.path().address().hasLocalScope()) {
        metrics.crossNode();
      }
      return this;
    }
    if (m.type().equals(PeerJsMessage.LEAVE) || m.type().equals(PeerJsMessage.EXPIRE)) {
      return passivateIfIdle(); // PeerJS: "Unavailable destination specified with message LEAVE or EXPIRE"
    }
    if (held.isEmpty()) {
      // PeerJS measures the expire timeout from when the queue was created (its lastReadAt).
      timers.startSingleTimer(new HoldExpired(), settings.expireTimeout());
    }
    if (held.size() >= settings.maxHeldMessages()) {
      held.pollFirst();
      metrics.droppedHeld();
    }
    held.addLast(m);
    heldFrom.add(m.src());
    metrics.held();
    return this;
  }

  private Behavior<Command> onGone(ActorRef<PeerJsConnection.Command> gone) {
    if (gone.equals(connection)) {
      getContext().unwatch(connection);
      token = null;
      connection = null;
    }
    return passivateIfIdle();
  }

  private Behavior<Command> onAliveTimedOut(AliveTimedOut t) {
    if (t.connection().equals(connection)) {
      dropHeld();
      free();
    }
    return passivateIfIdle();
  }

  private Behavior<Command> onHoldExpired() {
    for (String sender : heldFrom) {
      sharding.entityRefFor(TYPE_KEY, entityId(key, sender)).tell(new Transmit(PeerJsMessage.expire(id, sender)));
      metrics.expired();
    }
    dropHeld();
    return passivateIfIdle();
  }

  private void attach(ActorRef<PeerJsConnection.Command> c) {
    connection = c;
    getContext().watchWith(c, new ConnectionTerminated(c));
  }

  /** Forgets the registered client; its connection, if still open, stops speaking for the id. */
  private void free() {
    if (connection != null) {
      getContext().unwatch(connection);
      connection.tell(new PeerJsConnection.Unregistered());
    }
    token = null;
    connection = null;
  }

  private List<PeerJsMessage> releaseHeld() {
    List<PeerJsMessage> out = new ArrayList<>(held);
    dropHeld();
    return out;
  }

  private void dropHeld() {
    held.clear();
    heldFrom.clear();
    timers.cancel(new HoldExpired());
  }

  private Behavior<Command> passivateIfIdle() {
    if (connection == null && held.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }
}
