package io.greenmesh.signaling.actors;

import io.greenmesh.signaling.CborSerializable;
import io.greenmesh.signaling.codec.DecodeResult;
import io.greenmesh.signaling.codec.ProtocolCodec;
import io.greenmesh.signaling.config.SignalingSettings;
import io.greenmesh.signaling.metrics.SignalingMetrics;
import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.auth.AuthSettings;
import io.greenmesh.signaling.auth.RoomTokens;
import io.greenmesh.signaling.limits.Limits;
import io.greenmesh.signaling.protocol.ErrorCode;
import io.greenmesh.signaling.protocol.Grants;
import io.greenmesh.signaling.protocol.PeerInfo;
import io.greenmesh.signaling.protocol.ServerMessage;
import io.greenmesh.signaling.session.PeerIds;
import io.greenmesh.signaling.session.SessionTokens;
import io.greenmesh.signaling.session.Throttle;
import io.greenmesh.signaling.transport.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One peer's session: the actor behind a WebSocket connection. It speaks protocol v1 with its browser, joins a
 * {@link Room}, and sends signals straight to the other members' sessions, wherever in the cluster they are.
 *
 * <p>Phases: {@code idle} (connected, in no room) → {@code joining} (waiting for the room) → {@code joined}. When the
 * connection drops, a joined session is {@code detached}: it holds what peers send it for the resume grace period.
 * A {@code resume} on any node makes the room hand this peer over to a new session; the old one passes on what it
 * held and then only forwards, briefly, what was still in flight to it.
 */
public final class Session {

  /** Everything a session receives. */
  public sealed interface Command extends CborSerializable {}

  /** The room admitted a peer, or a known peer now speaks through another session. */
  public record PeerJoined(Room.Member member) implements Command {}

  public record PeerLeft(String peerId) implements Command {}

  /** A signal or broadcast from another peer's session; {@code data} is raw JSON. */
  public record Deliver(String from, Kind kind, String data) implements Command {}

  public enum Kind { SIGNAL, BROADCAST }

  /** From the room: a moderator removed this peer. */
  public record Removed(String by) implements Command {}

  /** From the room: our traffic report was refused, with the reason for the client. */
  public record StatsRefused(String reason) implements Command {}

  /** From the room: the call ended; what it saved, for the client. */
  public record CallEnded(Room.CallReport report) implements Command {}

  /** From the room: this peer resumed elsewhere; pass on what you hold to the successor. */
  public record HandOver(ActorRef<Command> successor) implements Command {}

  /**
   * From the predecessor session: the frames it recently sent (which a dying connection may have lost), what it held
   * while detached (oldest first), how many it had to drop, and the last sequence number it used.
   */
  public record HandOverState(List<Sent> recent, List<Deliver> held, int dropped, long lastSeq) implements Command {
    public HandOverState {
      recent = List.copyOf(recent);
      held = List.copyOf(held);
    }
  }

  /** A signal or broadcast as it was numbered and sent to the client. */
  public record Sent(long seq, Deliver deliver) implements CborSerializable {}

  /** From the transport: a message, to acknowledge once handled (that is the inbound backpressure). */
  public record Inbound(Connection.Received frame, ActorRef<Connection.Ack> ack) implements Command {}

  /** From the transport: the client's connection closed (or failed). */
  public record ConnectionClosed() implements Command {}

  /** From this node's coordinated shutdown: close the client's connection so that it resumes on another node. */
  public record Drain() implements Command {}

  /** From the transport: the client did not read and its outbound queue overflowed. */
  public record SlowReader() implements Command {}

  private record RoomAnswered(Room.JoinReply reply, Throwable failure, long startedNanos, Purpose purpose)
      implements Command {}

  private record GraceExpired() implements Command {}

  private record UnknownPeerExpired(String peerId) implements Command {}

  private record PeerSessionTerminated(String peerId, ActorRef<Command> session) implements Command {}

  private record RoomTerminated() implements Command {}

  private record HandOverTimeout() implements Command {}

  /** The budget has refilled for the message held back. */
  private record ThrottleElapsed() implements Command {}

  private record ForwardingDone() implements Command {}

  private enum Purpose { JOIN, RESUME, REREGISTER }

  /** The session of a connection from {@code clientIp} whose frames go to {@code connection}. */
  public static Behavior<Command> create(SessionDependencies deps, String clientIp,
      ActorRef<Connection.Outbound> connection) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(
        deps.settings().resumeBuffer() + 64,
        stash -> {
          deps.localSessions().add(ctx.getSelf());
          Session session = new Session(ctx, timers, stash, deps, clientIp, connection);
          return Behaviors.intercept(() -> session.lifecycle(), session.idle());
        })));
  }

  /** Drain closes the connection in whatever phase; a stopped session leaves this node's list. */
  private BehaviorInterceptor<Command, Command> lifecycle() {
    return new BehaviorInterceptor<>(Command.class) {
      @Override
      public Behavior<Command> aroundReceive(TypedActorContext<Command> c, Command msg,
          ReceiveTarget<Command> target) {
        if (msg instanceof Drain) {
          connection.tell(new Connection.Close(Connection.TRY_AGAIN_LATER, "node shutting down; resume elsewhere"));
        }
        return target.apply(c, msg);
      }

      @Override
      public Behavior<Command> aroundSignal(TypedActorContext<Command> c, Signal signal,
          SignalTarget<Command> target) {
        if (signal instanceof PostStop) {
          deps.localSessions().remove(ctx.getSelf());
        }
        return target.apply(c, signal);
      }
    };
  }

  private static final Duration FORWARDING_PERIOD = Duration.ofSeconds(10);
  private static final Duration HANDOVER_WAIT = Duration.ofSeconds(3);
  private static final Duration ROOM_ASK_ATTEMPT = Duration.ofMillis(1000);

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final StashBuffer<Command> stash;
  private final SessionDependencies deps;
  private final SignalingSettings settings;
  private final SignalingMetrics metrics;
  private final ActorRef<Connection.Outbound> connection;

  // The message budget, and the message held back until it refills (with its phase's handler). The buffers below
  // are allocated when first needed: most sessions are idle most of their life, and a node holds as many sessions
  // as its heap allows.
  private final Throttle throttle;
  private Inbound throttled;
  private MessageHandler throttledHandler;
  private int oversizedFrames;

  // Room membership, set once joined.
  private String room;
  private String peerId;
  private String displayName;
  private String sessionToken;
  private Grants grants = Grants.DEFAULT;
  private final String clientIp;
  private ActorRef<Room.Command> roomRef;
  private final Map<String, Room.Member> peers = new HashMap<>();
  /** Peers whose session died, with what we sent them since; see {@link #onPeerSessionTerminated}. */
  private final Map<String, ArrayDeque<Deliver>> inTransit = new HashMap<>();
  /** Until when (System.nanoTime) the room's view may still be incomplete after a resume or room restart. */
  private long settlingUntil;

  // Numbering of signals and broadcasts sent to the client, and the last ones sent, for replay after a resume.
  private long outSeq;
  private ArrayDeque<Sent> recent;
  private long resumedFromSeq;
  private HandOverState earlyHandOver;
  private Room.Member pendingMember;

  // Held while detached.
  private ArrayDeque<Deliver> held;
  private int droppedWhileDetached;

  private Session(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash,
      SessionDependencies deps, String clientIp, ActorRef<Connection.Outbound> connection) {
    this.connection = connection;
    this.clientIp = clientIp;
    this.ctx = ctx;
    this.timers = timers;
    this.stash = stash;
    this.deps = deps;
    this.settings = deps.settings();
    this.metrics = deps.metrics();
    this.throttle = new Throttle(settings.messagesPerSecond(), settings.messageBurst(),
        settings.throttledMessagesForAbuse(), settings.abuseWindow(), System.nanoTime());
    metrics.connectedSessions().incrementAndGet();
  }

  // ---------------------------------------------------------------- phases

  /** Connected, in no room. */
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, in -> handleInbound(in, this::onIdleMessage))
        .onMessage(ThrottleElapsed.class, t -> releaseThrottled())
        .onMessage(ConnectionClosed.class, c -> stopConnected())
        .onMessage(SlowReader.class, s -> slowReader())
        .onMessage(CallEnded.class, this::onCallEnded) // the call we just left
        .onMessage(Deliver.class, d -> Behaviors.same()) // stale: from a room we left
        .onMessage(PeerJoined.class, p -> Behaviors.same())
        .onMessage(PeerLeft.class, p -> Behaviors.same())
        .onMessage(RoomTerminated.class, r -> Behaviors.same())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onIdleMessage(ClientMessage message) {
    if (message instanceof ClientMessage.Join join) {
      if (!Limits.get(ctx.getSystem()).tryJoin(clientIp)) {
        sendError(ErrorCode.RATE_LIMITED, "too many joins from your address; slow down", "join");
        return Behaviors.same();
      }
      String name = join.displayName();
      Grants granted = Grants.DEFAULT;
      RoomTokens roomTokens = deps.roomTokens();
      if (join.token() != null || roomTokens.policy() == AuthSettings.Policy.TOKEN) {
        if (join.token() == null) {
          sendError(ErrorCode.UNAUTHORIZED, "this node requires a room token to join", "join");
          return Behaviors.same();
        }
        RoomTokens.Check check = roomTokens.verify(join.token(), join.room());
        if (check instanceof RoomTokens.Invalid invalid) {
          sendError(ErrorCode.UNAUTHORIZED, invalid.reason(), "join");
          return Behaviors.same();
        }
        RoomTokens.Valid valid = (RoomTokens.Valid) check;
        name = ProtocolCodec.cleanDisplayName(valid.subject()); // the token's subject is the display identity
        granted = valid.grants();
      }
      String newPeerId = PeerIds.next();
      Room.Member me = new Room.Member(newPeerId, name, ctx.getSelf());
      room = join.room();
      peerId = newPeerId;
      displayName = name;
      grants = granted;
      askRoom(Purpose.JOIN, me);
      return joining();
    }
    if (message instanceof ClientMessage.Resume resume) {
      Optional<SessionTokens.Claims> claims = deps.tokens().verify(resume.sessionToken());
      if (claims.isEmpty()) {
        metrics.resume("refused");
        sendError(ErrorCode.UNAUTHORIZED, "session token is invalid or expired", "resume");
        return Behaviors.same();
      }
      SessionTokens.Claims c = claims.get();
      room = c.room();
      peerId = c.peerId();
      displayName = c.displayName();
      grants = Grants.fromLetters(c.grants());
      resumedFromSeq = resume.lastSeq();
      askRoom(Purpose.RESUME, new Room.Member(peerId, displayName, ctx.getSelf()));
      return joining();
    }
    if (message instanceof ClientMessage.Ping) {
      send(new ServerMessage.Pong());
      return Behaviors.same();
    }
    sendError(ErrorCode.NOT_JOINED, "join a room first", message.type());
    return Behaviors.same();
  }

  /** Waiting for the room's answer. Frames wait too (unacknowledged, so the client is backpressured). */
  private Behavior<Command> joining() {
    return Behaviors.receive(Command.class)
        .onMessage(RoomAnswered.class, this::onRoomAnswered)
        .onMessage(HandOverState.class, state -> {
          earlyHandOver = state; // the predecessor was quicker than the room's answer
          return Behaviors.same();
        })
        .onMessage(ConnectionClosed.class, c -> stopConnected())
        .onMessage(SlowReader.class, s -> slowReader())
        .onAnyMessage(this::stashOrDrop)
        .build();
  }

  private Behavior<Command> onRoomAnswered(RoomAnswered answer) {
    if (answer.reply() == null
        && System.nanoTime() - answer.startedNanos() < settings.joinTimeout().toNanos()) {
      askRoom(answer.purpose(), pendingMember, answer.startedNanos());
      return Behaviors.same();
    }
    if (answer.reply() instanceof Room.Joined joined) {
      boolean resumed = answer.purpose() == Purpose.RESUME;
      roomRef = joined.room();
      ctx.watchWith(roomRef, new RoomTerminated());
      forgetPeers();
      List<PeerInfo> infos = new ArrayList<>(joined.others().size());
      for (Room.Member m : joined.others()) {
        rememberPeer(m);
        infos.add(new PeerInfo(m.peerId(), m.displayName()));
      }
      sessionToken = deps.tokens().issue(room, peerId, displayName, grants.letters());
      send(new ServerMessage.Welcome(peerId, sessionToken, room, infos, deps.iceServers().forPeer(peerId),
          resumed, grants));
      long elapsed = System.nanoTime() - answer.startedNanos();
      if (resumed) {
        settlingUntil = System.nanoTime() + settings.resumeGrace().toNanos();
        metrics.resume("resumed");
        metrics.resumeLatency().record(Duration.ofNanos(elapsed));
      } else {
        metrics.joinLatency().record(Duration.ofNanos(elapsed));
      }
      if (joined.predecessor()) {
        return awaitingHandOver();
      }
      return stash.unstashAll(joined());
    }
    String ref = answer.purpose() == Purpose.RESUME ? "resume" : "join";
    if (answer.reply() instanceof Room.JoinRefused refused) {
      sendError(refused.code(), refused.message(), ref);
    } else {
      ctx.getLog().warn("room {} did not answer: {}", room, String.valueOf(answer.failure()));
      sendError(ErrorCode.INTERNAL, "the room did not answer in time; try again", ref);
    }
    if (answer.purpose() == Purpose.RESUME) {
      metrics.resume("failed");
    }
    clearMembership();
    return stash.unstashAll(idle());
  }

  /** Welcomed after a resume; waits briefly for what the previous session held, so that order is kept. */
  private Behavior<Command> awaitingHandOver() {
    if (earlyHandOver != null) {
      return applyHandOver(earlyHandOver);
    }
    timers.startSingleTimer(new HandOverTimeout(), HANDOVER_WAIT);
    return Behaviors.receive(Command.class)
        .onMessage(HandOverState.class, state -> {
          timers.cancel(new HandOverTimeout());
          return applyHandOver(state);
        })
        .onMessage(HandOverTimeout.class, t -> stash.unstashAll(joined()))
        .onMessage(ConnectionClosed.class, c -> detach())
        .onMessage(SlowReader.class, s -> slowReader())
        .onAnyMessage(this::stashOrDrop)
        .build();
  }

  /** Replays what the client may have missed, then what was held for it, then resumes normal service. */
  private Behavior<Command> applyHandOver(HandOverState state) {
    earlyHandOver = null;
    outSeq = state.lastSeq();
    for (Sent sent : state.recent()) {
      if (sent.seq() > resumedFromSeq) {
        send(frameFor(sent));
        remember(sent);
      }
    }
    for (Deliver d : state.held()) {
      deliverToClient(d);
    }
    if (state.dropped() > 0) {
      sendError(ErrorCode.INTERNAL, state.dropped() + " messages addressed to you while you were away "
          + "were dropped (resume buffer full)", "resume");
    }
    return stash.unstashAll(joined());
  }

  /**
   * In a room with a live connection: where an idle session spends its life, so it is one handler rather than a
   * builder's list of cases, each with its own lambda (about 1 KB a session).
   */
  private Behavior<Command> joined() {
    return Behaviors.receive(Command.class).onAnyMessage(this::onJoinedCommand).build();
  }

  private Behavior<Command> onJoinedCommand(Command m) {
    if (m instanceof Inbound in) {
      return handleInbound(in, this::onJoinedMessage);
    } else if (m instanceof ThrottleElapsed) {
      return releaseThrottled();
    } else if (m instanceof Deliver d) {
      deliverToClient(d);
    } else if (m instanceof PeerJoined p) {
      return onPeerJoined(p);
    } else if (m instanceof PeerLeft p) {
      return onPeerLeft(p);
    } else if (m instanceof PeerSessionTerminated t) {
      return onPeerSessionTerminated(t);
    } else if (m instanceof UnknownPeerExpired e) {
      return onUnknownPeerExpired(e);
    } else if (m instanceof StatsRefused r) {
      sendError(ErrorCode.BAD_REQUEST, r.reason(), "stats");
    } else if (m instanceof CallEnded c) {
      return onCallEnded(c);
    } else if (m instanceof Removed r) {
      send(new ServerMessage.Removed(room, r.by()));
      ctx.unwatch(roomRef);
      clearMembership();
      return idle();
    } else if (m instanceof HandOver h) {
      return handOverWhileConnected(h);
    } else if (m instanceof RoomTerminated) {
      return reRegister();
    } else if (m instanceof RoomAnswered a) {
      return onReRegistered(a);
    } else if (m instanceof ConnectionClosed) {
      return detach();
    } else if (m instanceof SlowReader) {
      return slowReader();
    }
    return Behaviors.same(); // HandOverState and anything else: nothing to do
  }

  private Behavior<Command> onJoinedMessage(ClientMessage message) {
    if (message instanceof ClientMessage.Signal signal) {
      Room.Member target = peers.get(signal.to());
      if (target == null && System.nanoTime() < settlingUntil) {
        holdForUnknownPeer(signal.to(), new Deliver(peerId, Kind.SIGNAL, signal.data()));
      } else if (target == null) {
        sendError(ErrorCode.UNKNOWN_PEER, "no peer '" + signal.to() + "' in room '" + room + "'", "signal");
      } else {
        tellPeer(target, new Deliver(peerId, Kind.SIGNAL, signal.data()));
      }
    } else if (message instanceof ClientMessage.Broadcast && !grants.broadcast()) {
      sendError(ErrorCode.UNAUTHORIZED, "your room token does not grant broadcast", "broadcast");
    } else if (message instanceof ClientMessage.Kick kick) {
      if (!grants.moderator()) {
        sendError(ErrorCode.UNAUTHORIZED, "only a moderator may remove a peer", "kick");
      } else if (!peers.containsKey(kick.peerId())) {
        sendError(ErrorCode.UNKNOWN_PEER, "no peer '" + kick.peerId() + "' in room '" + room + "'", "kick");
      } else {
        roomRef.tell(new Room.Remove(kick.peerId(), peerId));
      }
    } else if (message instanceof ClientMessage.Broadcast broadcast) {
      Deliver d = new Deliver(peerId, Kind.BROADCAST, broadcast.data());
      for (Room.Member m : peers.values()) {
        tellPeer(m, d);
      }
    } else if (message instanceof ClientMessage.Leave) {
      roomRef.tell(new Room.Leave(peerId, ctx.getSelf()));
      ctx.unwatch(roomRef);
      clearMembership();
      return idle();
    } else if (message instanceof ClientMessage.Ping) {
      send(new ServerMessage.Pong());
    } else if (message instanceof ClientMessage.Stats stats) {
      roomRef.tell(new Room.TrafficReport(peerId, stats, ctx.getSelf()));
    } else {
      sendError(ErrorCode.BAD_REQUEST, "already in room '" + room + "'; leave it first", message.type());
    }
    return Behaviors.same();
  }

  /** In a room, connection gone: holds deliveries for the resume grace period. */
  private Behavior<Command> detached() {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, d -> {
          if (held == null) {
            held = new ArrayDeque<>();
          }
          if (held.size() >= settings.resumeBuffer()) {
            held.pollFirst();
            droppedWhileDetached++;
          }
          held.addLast(d);
          return Behaviors.same();
        })
        .onMessage(PeerJoined.class, p -> {
          rememberPeer(p.member());
          return Behaviors.same();
        })
        .onMessage(PeerLeft.class, p -> {
          forgetPeer(p.peerId());
          return Behaviors.same();
        })
        .onMessage(PeerSessionTerminated.class, this::onPeerSessionTerminated)
        .onMessage(HandOver.class, h -> {
          h.successor().tell(new HandOverState(copyOf(recent), copyOf(held), droppedWhileDetached, outSeq));
          held = null;
          metrics.detachedSessions().decrementAndGet();
          timers.cancel(new GraceExpired());
          return forwarding(h.successor());
        })
        .onMessage(Removed.class, r -> {
          metrics.detachedSessions().decrementAndGet();
          return Behaviors.stopped();
        })
        .onMessage(GraceExpired.class, g -> {
          roomRef.tell(new Room.Leave(peerId, ctx.getSelf()));
          metrics.detachedSessions().decrementAndGet();
          metrics.resume("expired");
          return Behaviors.stopped();
        })
        .onMessage(RoomTerminated.class, r -> reRegister())
        .onMessage(RoomAnswered.class, this::onReRegistered)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Handed over: passes on what was still in flight to this session, then stops. */
  private Behavior<Command> forwarding(ActorRef<Command> successor) {
    ctx.unwatch(roomRef);
    timers.startSingleTimer(new ForwardingDone(), FORWARDING_PERIOD);
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, d -> {
          successor.tell(d);
          return Behaviors.same();
        })
        .onMessage(ForwardingDone.class, d -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  // ---------------------------------------------------------------- inbound frames

  private interface MessageHandler {
    Behavior<Command> handle(ClientMessage message);
  }

  /**
   * The budget first: a message over it is held back, unacknowledged (so nothing more is read from the connection),
   * until the budget refills. Then decoding, then the phase's handler; every frame is acknowledged exactly once.
   */
  private Behavior<Command> handleInbound(Inbound in, MessageHandler handler) {
    long wait = throttle.admit(System.nanoTime());
    if (wait == Throttle.ABUSE) {
      in.ack().tell(Connection.Ack.INSTANCE);
      return closeForAbuse("rate-limited", "flooding far beyond any negotiation; connection closed");
    } else if (wait > 0) {
      metrics.throttled();
      throttled = in;
      throttledHandler = handler;
      timers.startSingleTimer(new ThrottleElapsed(), Duration.ofNanos(wait));
      return Behaviors.same();
    }
    Behavior<Command> next = Behaviors.same();
    try {
      next = classify(in.frame(), handler);
    } finally {
      in.ack().tell(Connection.Ack.INSTANCE);
    }
    return next;
  }

  private Behavior<Command> releaseThrottled() {
    Inbound in = throttled;
    if (in == null) {
      return Behaviors.same();
    }
    throttled = null;
    return handleInbound(in, throttledHandler);
  }

  private Behavior<Command> classify(Connection.Received frame, MessageHandler handler) {
    if (frame instanceof Connection.Oversized) {
      metrics.received("other");
      sendError(ErrorCode.TOO_LARGE, "frame exceeds " + settings.maxFrameBytes() + " bytes", null);
      if (++oversizedFrames >= settings.oversizedFrameStrikes()) {
        return closeForAbuse("too-large", "too many oversized frames; connection closed");
      }
      return Behaviors.same();
    }
    if (frame instanceof Connection.Binary) {
      metrics.received("other");
      sendError(ErrorCode.BAD_REQUEST, "binary frames are not supported; send JSON text frames", null);
      return Behaviors.same();
    }
    DecodeResult result = ProtocolCodec.decode(((Connection.Text) frame).json());
    if (result instanceof DecodeResult.Rejected rejected) {
      metrics.received(rejected.ref() == null ? "other" : rejected.ref());
      sendError(rejected.code(), rejected.message(), rejected.ref());
      return Behaviors.same();
    }
    ClientMessage message = ((DecodeResult.Decoded) result).message();
    metrics.received(message.type());
    return handler.handle(message);
  }

  /**
   * Ends an abusive connection: a last error says why, then the stream completes and the WebSocket closes. A joined
   * peer leaves its room at once: abuse does not earn a resume grace period.
   */
  private Behavior<Command> closeForAbuse(String reason, String message) {
    metrics.closed(reason);
    boolean tooLarge = reason.equals("too-large");
    sendError(tooLarge ? ErrorCode.TOO_LARGE : ErrorCode.RATE_LIMITED, message, null);
    connection.tell(new Connection.Close(tooLarge ? Connection.MESSAGE_TOO_BIG : Connection.POLICY_VIOLATION,
        reason));
    if (roomRef != null) {
      roomRef.tell(new Room.Leave(peerId, ctx.getSelf()));
      ctx.unwatch(roomRef);
    }
    clearMembership();
    metrics.connectedSessions().decrementAndGet();
    return closing();
  }

  /** Waits for the transport to finish sending the last frames, so the final error is not cut off. */
  private Behavior<Command> closing() {
    timers.startSingleTimer(new ForwardingDone(), Duration.ofSeconds(5));
    return Behaviors.receive(Command.class)
        .onMessage(Inbound.class, in -> {
          in.ack().tell(Connection.Ack.INSTANCE);
          return Behaviors.same();
        })
        .onMessage(ConnectionClosed.class, c -> Behaviors.stopped())
        .onMessage(ForwardingDone.class, d -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<Command> slowReader() {
    // The outbound stream has failed already; the peer may resume like after any dropped connection.
    return room != null && roomRef != null ? detach() : stopConnected();
  }

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

  // ---------------------------------------------------------------- room and peers

  private void askRoom(Purpose purpose, Room.Member me) {
    askRoom(purpose, me, System.nanoTime());
  }

  /**
   * Asks the room in short attempts until the join timeout: right after a node crash, sharding may still route a
   * message to the dead node's region, where it is lost; the next attempt goes to the room's new home.
   */
  private void askRoom(Purpose purpose, Room.Member me, long started) {
    pendingMember = me;
    long remaining = settings.joinTimeout().toNanos() - (System.nanoTime() - started);
    Duration attempt = Duration.ofNanos(Math.max(1, Math.min(ROOM_ASK_ATTEMPT.toNanos(), remaining)));
    EntityRef<Room.Command> entity = deps.sharding().entityRefFor(Room.TYPE_KEY, room);
    ctx.ask(Room.JoinReply.class, entity, attempt,
        replyTo -> purpose == Purpose.JOIN
            ? new Room.Join(me, replyTo)
            : new Room.Rejoin(me, purpose == Purpose.REREGISTER ? List.copyOf(peers.keySet()) : List.of(), replyTo),
        (reply, failure) -> new RoomAnswered(reply, failure, started, purpose));
  }

  /** The room entity stopped while we are a member (its node died or its shard moved): register again. */
  private Behavior<Command> reRegister() {
    if (room == null) {
      return Behaviors.same();
    }
    askRoom(Purpose.REREGISTER, new Room.Member(peerId, displayName, ctx.getSelf()));
    return Behaviors.same();
  }

  private Behavior<Command> onReRegistered(RoomAnswered answer) {
    if (answer.reply() instanceof Room.Joined joined) {
      roomRef = joined.room();
      ctx.watchWith(roomRef, new RoomTerminated());
      settlingUntil = System.nanoTime() + settings.resumeGrace().toNanos();
      for (Room.Member m : joined.others()) {
        onPeerJoined(new PeerJoined(m));
      }
    } else {
      ctx.getLog().warn("re-registering in room {} failed: {}", room, String.valueOf(answer.failure()));
      timers.startSingleTimer(new RoomTerminated(), Duration.ofSeconds(1));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPeerJoined(PeerJoined p) {
    Room.Member m = p.member();
    if (m.peerId().equals(peerId)) {
      return Behaviors.same();
    }
    Room.Member known = rememberPeer(m);
    if (known == null) {
      send(new ServerMessage.PeerJoined(m.peerId(), m.displayName()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCallEnded(CallEnded ended) {
    Room.CallReport r = ended.report();
    send(new ServerMessage.CarbonReport(r.bytesDirect(), r.bytesRelayed(), r.avoidedBytes(), r.avoidedCo2eGrams(),
        r.avoidedWaterLiters(), r.message()));
    return Behaviors.same();
  }

  private Behavior<Command> onPeerLeft(PeerLeft p) {
    if (forgetPeer(p.peerId()) != null) {
      send(new ServerMessage.PeerLeft(p.peerId()));
    }
    return Behaviors.same();
  }

  /** Adds or updates a peer; messages held while it was in transit go to its new session. Returns the old entry. */
  private Room.Member rememberPeer(Room.Member m) {
    Room.Member known = peers.put(m.peerId(), m);
    boolean sameSession = known != null && known.session().equals(m.session());
    if (!sameSession) {
      if (known != null) {
        ctx.unwatch(known.session());
      }
      ctx.watchWith(m.session(), new PeerSessionTerminated(m.peerId(), m.session()));
    }
    ArrayDeque<Deliver> waiting = inTransit.remove(m.peerId());
    if (waiting != null) {
      waiting.forEach(d -> tellPeer(m, d));
    }
    return known;
  }

  private Room.Member forgetPeer(String id) {
    inTransit.remove(id);
    Room.Member known = peers.remove(id);
    if (known != null) {
      ctx.unwatch(known.session());
    }
    return known;
  }

  private void forgetPeers() {
    for (Room.Member m : peers.values()) {
      ctx.unwatch(m.session());
    }
    peers.clear();
    inTransit.clear();
  }

  /**
   * A peer's session died with its node. Until the room says where the peer resumed (or that it left), what we send
   * it is held here rather than lost to a dead reference.
   */
  /**
   * Right after a resume or a room restart, the room may not yet know peers this client knows: they are still
   * re-registering. A signal to such a peer waits for it until the grace period ends, instead of failing.
   */
  private void holdForUnknownPeer(String to, Deliver d) {
    ArrayDeque<Deliver> waiting = inTransit.computeIfAbsent(to, k -> new ArrayDeque<>());
    if (waiting.isEmpty()) {
      timers.startSingleTimer("unknown-" + to, new UnknownPeerExpired(to),
          Duration.ofNanos(Math.max(0, settlingUntil - System.nanoTime())));
    }
    if (waiting.size() >= settings.resumeBuffer()) {
      waiting.pollFirst();
    }
    waiting.addLast(d);
  }

  private Behavior<Command> onUnknownPeerExpired(UnknownPeerExpired e) {
    if (!peers.containsKey(e.peerId()) && inTransit.remove(e.peerId()) != null) {
      sendError(ErrorCode.UNKNOWN_PEER, "no peer '" + e.peerId() + "' in room '" + room + "'", "signal");
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPeerSessionTerminated(PeerSessionTerminated t) {
    Room.Member m = peers.get(t.peerId());
    if (m != null && m.session().equals(t.session())) {
      inTransit.putIfAbsent(t.peerId(), new ArrayDeque<>());
    }
    return Behaviors.same();
  }

  private void tellPeer(Room.Member target, Deliver d) {
    ArrayDeque<Deliver> waiting = inTransit.get(target.peerId());
    if (waiting != null) {
      if (waiting.size() >= settings.resumeBuffer()) {
        waiting.pollFirst();
      }
      waiting.addLast(d);
      return;
    }
    target.session().tell(d);
    if (!target.session().path().address().hasLocalScope()) {
      metrics.crossNode();
    }
  }

  private void deliverToClient(Deliver d) {
    Sent sent = new Sent(++outSeq, d);
    remember(sent);
    send(frameFor(sent));
  }

  private void remember(Sent sent) {
    if (recent == null) {
      recent = new ArrayDeque<>();
    }
    if (recent.size() >= settings.resumeBuffer()) {
      recent.pollFirst();
    }
    recent.addLast(sent);
  }

  /** A buffer's contents, oldest first; empty when it was never allocated. */
  private static <T> List<T> copyOf(ArrayDeque<T> buffer) {
    return buffer == null ? List.of() : new ArrayList<>(buffer);
  }

  private static ServerMessage frameFor(Sent sent) {
    Deliver d = sent.deliver();
    return d.kind() == Kind.SIGNAL
        ? new ServerMessage.SignalFrom(d.from(), d.data(), sent.seq())
        : new ServerMessage.BroadcastFrom(d.from(), d.data(), sent.seq());
  }

  private Behavior<Command> handOverWhileConnected(HandOver h) {
    // The client resumed on another connection while this one still looked open: this one is stale.
    h.successor().tell(new HandOverState(copyOf(recent), List.of(), 0, outSeq));
    connection.tell(new Connection.Close(Connection.NORMAL, "resumed on another connection"));
    metrics.connectedSessions().decrementAndGet();
    return forwarding(h.successor());
  }

  // ---------------------------------------------------------------- lifecycle

  private Behavior<Command> detach() {
    metrics.connectedSessions().decrementAndGet();
    if (!Limits.get(ctx.getSystem()).mayHoldAnotherDetachedSession(metrics.detachedSessions().get())) {
      // Too many sessions already wait for a resume here: this one leaves now rather than hold a buffer.
      roomRef.tell(new Room.Leave(peerId, ctx.getSelf()));
      return Behaviors.stopped();
    }
    metrics.detachedSessions().incrementAndGet();
    timers.startSingleTimer(new GraceExpired(), settings.resumeGrace());
    return detached();
  }

  private Behavior<Command> stopConnected() {
    metrics.connectedSessions().decrementAndGet();
    return Behaviors.stopped();
  }

  private void clearMembership() {
    room = null;
    peerId = null;
    displayName = null;
    sessionToken = null;
    roomRef = null;
    forgetPeers();
  }

  private void send(ServerMessage message) {
    metrics.sent(message.type());
    connection.tell(new Connection.Send(ProtocolCodec.encode(message)));
  }

  private void sendError(ErrorCode code, String message, String ref) {
    metrics.error(code);
    send(new ServerMessage.Error(code, message, ref));
  }
}
