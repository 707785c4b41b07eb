package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.CborSerializable;
import io.greenmesh.signaling.config.SignalingSettings;
import io.greenmesh.signaling.session.Throttle;
import io.greenmesh.signaling.transport.Connection;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One PeerJS client's WebSocket: registers its id with the {@link PeerJsPeer} entity, relays what the client sends to
 * the destination ids' entities, and writes what its entity delivers.
 *
 * <p>Phases: {@code connecting} (waiting for the entity: OPEN, a silent takeover, ID-TAKEN or the concurrent limit) →
 * {@code open} → {@code gone}. Gone, it lingers briefly and hands anything still delivered to it back to the entity,
 * which holds it for the id's next connection or answers the sender with EXPIRE — as the PeerJS server does for a
 * peer that has just disconnected.
 */
public final class PeerJsConnection {

  /** Everything a connection receives. */
  public sealed interface Command extends CborSerializable {}

  /** From the entity: this connection speaks for the id; {@code open}: send OPEN. Then the held messages. */
  public record Registered(ActorRef<PeerJsPeer.Command> peer, boolean open, List<PeerJsMessage> held)
      implements Command {
    public Registered {
      held = List.copyOf(held);
    }
  }

  public enum Refusal { ID_TAKEN, CONCURRENT_LIMIT }

  /** From the entity: the id is not ours. */
  public record Refused(Refusal refusal) implements Command {}

  /** From the entity: a message for the client. */
  public record Deliver(PeerJsMessage message) implements Command {}

  /** From the entity: another connection took the id over, or the id was freed; the socket stays open. */
  public record Unregistered() implements Command {}

  /** From the transport: a message, to acknowledge once handled (that is the inbound backpressure). */
  public record Inbound(Connection.Received frame, ActorRef<Connection.Ack> ack) implements Command {}

  public record ConnectionClosed() implements Command {}

  /** From the transport: the client did not read and its outbound queue overflowed. */
  public record SlowReader() implements Command {}

  private record PeerTerminated() implements Command {}

  private record AliveTimeout() implements Command {}

  private record EntityTimeout(int attempt) implements Command {}

  private record LingerDone() implements Command {}

  /** The budget has refilled for the message held back. */
  private record ThrottleElapsed() implements Command {}

  private static final Duration LINGER = Duration.ofSeconds(10);
  private static final int CONNECT_ATTEMPTS = 6;
  private static final Object ENTITY_TIMEOUT = "entity-timeout";
  private static final int STASH = 64;

  static Behavior<Command> create(PeerJsNode node, String id, String token, ActorRef<Connection.Outbound> socket) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(STASH,
        stash -> new PeerJsConnection(ctx, timers, stash, node, id, token, socket).connecting(false))));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final PeerJsNode node;
  private final SignalingSettings limits;
  private final PeerJsMetrics metrics;
  private final String id;
  private final String token;
  private final ActorRef<Connection.Outbound> socket;
  /** The message budget, and the message held back until it refills. */
  private final Throttle throttle;
  private Inbound throttled;
  private int oversizedFrames;
  /** True while the entity counts this connection as the id's current one. */
  private boolean registered;
  /** The id's entity as it answered last; watched while registered. */
  private ActorRef<PeerJsPeer.Command> peer;
  /** The socket is gone (closed or closing): counted out of the open connections. */
  private boolean left;

  private PeerJsConnection(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      PeerJsNode node, String id, String token, ActorRef<Connection.Outbound> socket) {
    this.ctx = ctx;
    this.timers = timers;
    this.stash = stash;
    this.node = node;
    this.limits = node.limits();
    this.metrics = node.metrics();
    this.id = id;
    this.token = token;
    this.socket = socket;
    this.throttle = new Throttle(limits.messagesPerSecond(), limits.messageBurst(), limits.throttledMessagesForAbuse(),
        limits.abuseWindow(), System.nanoTime());
    metrics.connections().incrementAndGet();
  }

  // ---------------------------------------------------------------- phases

  /**
   * Waiting for the entity. Frames wait too, unacknowledged, so the client is backpressured. While a dead node's
   * shards are re-homed (seconds to tens of seconds) the entity cannot answer: the request is repeated every
   * join timeout, and only after {@link #CONNECT_ATTEMPTS} the socket is closed with an ERROR.
   */
  private Behavior<Command> connecting(boolean again) {
    askEntity(again);
    return Behaviors.receive(Command.class)
        .onMessage(Registered.class, this::onRegistered)
        .onMessage(Refused.class, this::onRefused)
        .onMessage(EntityTimeout.class, t -> {
          if (t.attempt() < CONNECT_ATTEMPTS) {
            askEntity(again, t.attempt() + 1);
            return Behaviors.same();
          }
          ctx.getLog().warn("PeerJS id {}: its entity did not answer {} requests", id, CONNECT_ATTEMPTS);
          metrics.refused("unavailable");
          return closeWithError("Server is not ready; try again");
        })
        .onMessage(ConnectionClosed.class, c -> gone())
        .onMessage(SlowReader.class, s -> slowReader())
        .onAnyMessage(this::stashOrDrop)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  private void askEntity(boolean again) {
    askEntity(again, 1);
  }

  /** A repeated request is harmless: the entity answers a registered connection's Connect with Registered again. */
  private void askEntity(boolean again, int attempt) {
    boolean atLimit = node.directory().size() >= node.settings().concurrentLimit();
    ownEntity().tell(new PeerJsPeer.Connect(token, ctx.getSelf(), atLimit, again));
    timers.startSingleTimer(ENTITY_TIMEOUT, new EntityTimeout(attempt), limits.joinTimeout());
  }

  private Behavior<Command> onRegistered(Registered r) {
    timers.cancel(ENTITY_TIMEOUT);
    registered = true;
    node.directory().register(ctx.getSelf(), id);
    peer = r.peer();
    ctx.watchWith(peer, new PeerTerminated());
    if (r.open()) {
      sendRaw(PeerJsMessage.OPEN, PeerJsCodec.open());
    }
    r.held().forEach(this::deliver);
    // PeerJS checks a client's last HEARTBEAT; a connection's clock starts when it is registered.
    timers.startSingleTimer(new AliveTimeout(), node.settings().aliveTimeout());
    return stash.unstashAll(open());
  }

  private Behavior<Command> onRefused(Refused r) {
    timers.cancel(ENTITY_TIMEOUT);
    if (r.refusal() == Refusal.ID_TAKEN) {
      metrics.refused("id-taken");
      sendRaw(PeerJsMessage.ID_TAKEN, PeerJsCodec.idTaken());
      return close();
    }
    metrics.refused("concurrent-limit");
    return closeWithError(PeerJsMessage.CONNECTION_LIMIT_EXCEED);
  }

  /** Open: relays in both directions. */
  private Behavior<Command> open() {
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(ThrottleElapsed.class, t -> releaseThrottled())
        .onMessage(Deliver.class, d -> {
          deliver(d.message());
          return Behaviors.same();
        })
        .onMessage(Unregistered.class, u -> {
          unregister();
          return Behaviors.same();
        })
        .onMessage(PeerTerminated.class, t -> registered ? reRegister() : Behaviors.same())
        .onMessage(Registered.class, r -> Behaviors.same())
        .onMessage(AliveTimeout.class, t -> {
          metrics.closed("alive-timeout");
          if (registered) {
            ownEntity().tell(new PeerJsPeer.AliveTimedOut(ctx.getSelf()));
            unregister();
          }
          return close();
        })
        .onMessage(ConnectionClosed.class, c -> gone())
        .onMessage(SlowReader.class, s -> slowReader())
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  /** The entity stopped (its node died, or its shard moved) while we spoke for the id: register again, no OPEN. */
  private Behavior<Command> reRegister() {
    unregister();
    return connecting(true);
  }

  /**
   * The socket is closed or closing. Lingers so that what is still in flight to this connection goes back to the
   * entity (held for the id's next connection) instead of being lost.
   */
  private Behavior<Command> gone() {
    if (registered) {
      ownEntity().tell(new PeerJsPeer.Disconnected(ctx.getSelf()));
      unregister();
    }
    left = true;
    metrics.connections().decrementAndGet();
    timers.cancel(new AliveTimeout());
    timers.cancel(ENTITY_TIMEOUT);
    timers.startSingleTimer(new LingerDone(), LINGER);
    if (throttled != null) {
      throttled.ack().tell(Connection.Ack.INSTANCE);
      throttled = null;
    }
    stash.forEach(m -> {
      if (m instanceof Inbound in) {
        in.ack().tell(Connection.Ack.INSTANCE);
      } else if (m instanceof Deliver d) {
        ownEntity().tell(new PeerJsPeer.Transmit(d.message()));
      }
    });
    stash.clear();
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, in -> {
          in.ack().tell(Connection.Ack.INSTANCE);
          return Behaviors.same();
        })
        .onMessage(Deliver.class, d -> {
          ownEntity().tell(new PeerJsPeer.Transmit(d.message()));
          return Behaviors.same();
        })
        .onMessage(Registered.class, r -> {
          // Registered after the socket closed: free the id again and hand back what came with it (both through
          // the same entity ref, so the id is free before its messages come back).
          ownEntity().tell(new PeerJsPeer.Disconnected(ctx.getSelf()));
          r.held().forEach(m -> ownEntity().tell(new PeerJsPeer.Transmit(m)));
          return Behaviors.same();
        })
        .onMessage(LingerDone.class, d -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  // ---------------------------------------------------------------- inbound frames

  /**
   * The budget first: a message over it is held back, unacknowledged (so nothing more is read from the socket),
   * until the budget refills; only a sustained flood closes the socket. Every frame is acknowledged exactly once.
   */
  private Behavior<Command> onInbound(Inbound in) {
    long wait = throttle.admit(System.nanoTime());
    if (wait == Throttle.ABUSE) {
      in.ack().tell(Connection.Ack.INSTANCE);
      metrics.closed("rate-limited");
      return closeWithError("Too many messages; slow down", Connection.POLICY_VIOLATION);
    } else if (wait > 0) {
      metrics.throttled();
      throttled = in;
      timers.startSingleTimer(new ThrottleElapsed(), Duration.ofNanos(wait));
      return Behaviors.same();
    }
    Behavior<Command> next = Behaviors.same();
    try {
      next = classify(in.frame());
    } finally {
      in.ack().tell(Connection.Ack.INSTANCE);
    }
    return next;
  }

  private Behavior<Command> releaseThrottled() {
    Inbound in = throttled;
    throttled = null;
    return in == null ? Behaviors.same() : onInbound(in);
  }

  /**
   * The native protocol's limits, then the PeerJS server's handling. PeerJS has no error message for a dropped frame
   * (and its client aborts on any ERROR), so a frame over a limit is dropped and counted; repeated abuse closes the
   * connection with an ERROR.
   */
  private Behavior<Command> classify(Connection.Received frame) {
    if (frame instanceof Connection.Oversized) {
      metrics.ignored("too-large");
      if (++oversizedFrames >= limits.oversizedFrameStrikes()) {
        metrics.closed("too-large");
        return closeWithError("Too many oversized messages (over " + limits.maxFrameBytes() + " bytes)",
            Connection.MESSAGE_TOO_BIG);
      }
      return Behaviors.same();
    }
    PeerJsCodec.Inbound message = PeerJsCodec.decode(frame instanceof Connection.Binary binary ? binary.utf8()
        : ((Connection.Text) frame).json());
    if (message instanceof PeerJsCodec.Ignored ignored) {
      metrics.ignored(ignored.reason());
      return Behaviors.same();
    }
    if (message instanceof PeerJsCodec.Heartbeat) {
      metrics.received(PeerJsMessage.HEARTBEAT);
      timers.startSingleTimer(new AliveTimeout(), node.settings().aliveTimeout());
      return Behaviors.same();
    }
    PeerJsCodec.Transmission t = (PeerJsCodec.Transmission) message;
    metrics.received(t.type());
    if (t.dst() != null) {
      if (t.type().equals(PeerJsMessage.OFFER)) {
        metrics.offered(t.connectionType());
      }
      peer(t.dst()).tell(new PeerJsPeer.Transmit(new PeerJsMessage(t.type(), id, t.dst(), t.payload())));
    } else if (t.type().equals(PeerJsMessage.LEAVE)) {
      // PeerJS: a LEAVE without dst removes the sender's client; its socket stays open. The entity may stop once
      // the id is free: that is no reason to register again.
      ownEntity().tell(new PeerJsPeer.Remove());
      unregister();
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------- helpers

  private Behavior<Command> stashOrDrop(Command m) {
    if (stash.isFull()) {
      if (m instanceof Inbound in) {
        in.ack().tell(Connection.Ack.INSTANCE);
      }
      return Behaviors.same();
    }
    stash.stash(m);
    return Behaviors.same();
  }

  private Behavior<Command> slowReader() {
    metrics.closed("slow-reader");
    return gone();
  }

  private Behavior<Command> closeWithError(String message) {
    return closeWithError(message, Connection.NORMAL);
  }

  private Behavior<Command> closeWithError(String message, int code) {
    sendRaw(PeerJsMessage.ERROR, PeerJsCodec.error(message));
    return close(code);
  }

  /** Closes the socket after the last frames, and goes. */
  private Behavior<Command> close() {
    return close(Connection.NORMAL);
  }

  private Behavior<Command> close(int code) {
    socket.tell(new Connection.Close(code, ""));
    return gone();
  }

  /** Bookkeeping if the actor stops other than by going (a failure): no stale registration, no stale count. */
  private Behavior<Command> onStop(PostStop s) {
    node.directory().unregister(ctx.getSelf());
    if (!left) {
      left = true;
      metrics.connections().decrementAndGet();
    }
    return Behaviors.same();
  }

  private void unregister() {
    registered = false;
    node.directory().unregister(ctx.getSelf());
    if (peer != null) {
      ctx.unwatch(peer);
      peer = null;
    }
  }

  private void deliver(PeerJsMessage m) {
    sendRaw(m.type(), PeerJsCodec.encode(m));
  }

  private void sendRaw(String type, String json) {
    metrics.sent(type);
    socket.tell(new Connection.Send(json));
  }

  private EntityRef<PeerJsPeer.Command> ownEntity() {
    return peer(id);
  }

  private EntityRef<PeerJsPeer.Command> peer(String peerId) {
    return node.sharding().entityRefFor(PeerJsPeer.TYPE_KEY, PeerJsPeer.entityId(node.settings().key(), peerId));
  }
}
