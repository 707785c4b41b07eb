package io.greenmesh.signaling.actors;

import io.greenmesh.carbon.CallSummary;
import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.carbon.accounting.PeerStats;
import io.greenmesh.signaling.CborSerializable;
import io.greenmesh.signaling.carbon.CarbonAccounting;
import io.greenmesh.signaling.carbon.RoomCalls;
import io.greenmesh.signaling.limits.Limits;
import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.metrics.SignalingMetrics;
import io.greenmesh.signaling.metrics.Telemetry;
import io.greenmesh.signaling.protocol.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A room: the sharded entity that knows who is in a call. It lives on one node of the cluster; its members' sessions
 * may be on any node. The room only introduces peers (it hands each session the others' session refs); signals then
 * go session to session, never through the room.
 *
 * <p>The room keeps no durable state. If its node dies, it restarts elsewhere empty, and its membership is rebuilt
 * from the sessions that re-register ({@link Rejoin}) — surviving sessions do that when they see the room terminate,
 * sessions of the dead node do it when their clients resume.
 */
public final class Room extends AbstractBehavior<Room.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "room");

  /** What a room understands. */
  public sealed interface Command extends CborSerializable {}

  /** A new peer asks to enter. */
  public record Join(Member member, ActorRef<JoinReply> replyTo) implements Command {}

  /**
   * A known peer comes back: a resume (new session ref) or a re-registration after the room restarted. A
   * re-registering session names the peers it knew, so that a restarted room can announce the departure of those that
   * never come back (they were on the node that died and did not resume).
   */
  public record Rejoin(Member member, List<String> knownPeers, ActorRef<JoinReply> replyTo) implements Command {
    public Rejoin {
      knownPeers = List.copyOf(knownPeers);
    }
  }

  /** A peer leaves; ignored unless {@code session} is the member's current session (stale leaves after a move). */
  public record Leave(String peerId, ActorRef<Session.Command> session) implements Command {}

  /** A moderator's session removes a peer (the session checked the moderator grant). */
  public record Remove(String peerId, String by) implements Command {}

  /** A member's traffic report (the {@code stats} message), accounted by the room: the room is the call. */
  public record TrafficReport(String peerId, ClientMessage.Stats stats, ActorRef<Session.Command> session)
      implements Command {}

  private record SessionTerminated(String peerId, ActorRef<Session.Command> session) implements Command {}

  private record AwayExpired(String peerId, ActorRef<Session.Command> session) implements Command {}

  private record ExpectedExpired(String peerId) implements Command {}

  /** The ended call's window for late reports is over. */
  private enum CallEndingDue implements Command { INSTANCE }

  /** A peer of the room, with the session that currently speaks for it. */
  public record Member(String peerId, String displayName, ActorRef<Session.Command> session)
      implements CborSerializable {}

  /** The room's answer to Join and Rejoin. */
  public sealed interface JoinReply extends CborSerializable {}

  /**
   * Admitted. {@code others} are the other members; {@code predecessor} is true when the room told a previous session
   * of this peer to hand over its held messages to the new one.
   */
  public record Joined(ActorRef<Command> room, List<Member> others, boolean predecessor) implements JoinReply {
    public Joined {
      others = List.copyOf(others);
    }
  }

  public record JoinRefused(ErrorCode code, String message) implements JoinReply {}

  /** What a call avoided, told to its participants when it ends. */
  public record CallReport(long bytesDirect, long bytesRelayed, long avoidedBytes,
      Map<String, Double> avoidedCo2eGrams, Map<String, Double> avoidedWaterLiters, String message)
      implements CborSerializable {
    public CallReport {
      avoidedCo2eGrams = Map.copyOf(avoidedCo2eGrams);
      avoidedWaterLiters = Map.copyOf(avoidedWaterLiters);
    }

    static CallReport of(CallSummary s) {
      return new CallReport(s.directBytes(), s.relayedBytes(), Math.round(s.avoidedDataCentreBytes()),
          s.avoidedCo2eGramsByPreset(), s.avoidedWaterLitersByPreset(), s.message());
    }
  }

  /** Registers rooms with Cluster Sharding on this node. */
  public static void initSharding(org.apache.pekko.actor.typed.ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(
        Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, ctx.getShard())));
  }

  public record Settings(int maxPeers, Duration awayGrace) {}

  public static Behavior<Command> create(String name, Settings settings,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Room(ctx, timers, name, settings, shard)));
  }

  private final String name;
  private final Settings settings;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TimerScheduler<Command> timers;
  private final SignalingMetrics metrics;
  /** In join order, so peers lists come out oldest first. */
  private final Map<String, Member> members = new LinkedHashMap<>();
  /** Members whose session died (its node crashed): kept for the grace period so that they can resume. */
  private final Map<String, Member> away = new LinkedHashMap<>();
  /** Peers that re-registering members knew but this incarnation has not seen yet. */
  private final java.util.Set<String> expected = new java.util.HashSet<>();
  private final CarbonAccountant carbon;
  /** The calls' carbon ledgers: the current one, and the one that just ended while its last reports arrive. */
  private final RoomCalls<ActorRef<Session.Command>> calls;

  private Room(ActorContext<Command> ctx, TimerScheduler<Command> timers, String name, Settings settings,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(ctx);
    this.timers = timers;
    this.name = name;
    this.settings = settings;
    this.shard = shard;
    this.metrics = Telemetry.get(ctx.getSystem()).signaling();
    this.carbon = CarbonAccounting.get(ctx.getSystem());
    this.calls = new RoomCalls<>(name, carbon, System::currentTimeMillis);
    metrics.rooms().incrementAndGet();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Join.class, this::onJoin)
        .onMessage(Rejoin.class, this::onRejoin)
        .onMessage(Leave.class, this::onLeave)
        .onMessage(TrafficReport.class, this::onTrafficReport)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(SessionTerminated.class, this::onSessionTerminated)
        .onMessage(AwayExpired.class, this::onAwayExpired)
        .onMessage(ExpectedExpired.class, this::onExpectedExpired)
        .onMessage(CallEndingDue.class, due -> {
          calls.finishEnding().ifPresent(Room::tellCallEnded);
          return this;
        })
        .onSignal(PostStop.class, s -> {
          metrics.rooms().decrementAndGet();
          metrics.roomMembers().addAndGet(-members.size());
          calls.close().ifPresent(Room::tellCallEnded);
          return this;
        })
        .build();
  }

  private Behavior<Command> onJoin(Join join) {
    if (members.containsKey(join.member().peerId())) {
      return onRejoin(new Rejoin(join.member(), List.of(), join.replyTo()));
    }
    if (members.isEmpty() && away.isEmpty() && !Limits.get(getContext().getSystem())
        .mayHostAnotherRoom(metrics.rooms().get())) {
      join.replyTo().tell(new JoinRefused(ErrorCode.INTERNAL, "this node hosts too many rooms; try again later"));
      return passivateIfEmpty();
    }
    if (size() >= settings.maxPeers()) {
      join.replyTo().tell(new JoinRefused(ErrorCode.ROOM_FULL,
          "room '" + name + "' is full (" + settings.maxPeers() + " peers)"));
      return this;
    }
    List<Member> others = others(join.member().peerId());
    admit(join.member());
    calls.joined(join.member().peerId());
    for (Member m : members.values()) {
      if (!m.peerId().equals(join.member().peerId())) {
        m.session().tell(new Session.PeerJoined(join.member()));
      }
    }
    join.replyTo().tell(new Joined(getContext().getSelf(), others, false));
    return this;
  }

  private Behavior<Command> onRejoin(Rejoin rejoin) {
    Member incoming = rejoin.member();
    String peerId = incoming.peerId();
    if (expected.remove(peerId)) {
      timers.cancel("expect-" + peerId);
    }
    for (String known : rejoin.knownPeers()) {
      if (!known.equals(peerId) && !members.containsKey(known) && !away.containsKey(known) && expected.add(known)) {
        timers.startSingleTimer("expect-" + known, new ExpectedExpired(known), settings.awayGrace());
      }
    }
    Member previous = members.get(peerId);
    Member wasAway = away.remove(peerId);
    if (wasAway != null) {
      timers.cancel(peerId);
    }
    if (previous == null && wasAway == null && size() >= settings.maxPeers()) {
      rejoin.replyTo().tell(new JoinRefused(ErrorCode.ROOM_FULL,
          "room '" + name + "' is full (" + settings.maxPeers() + " peers)"));
      return this;
    }
    boolean handOver = previous != null && !previous.session().equals(incoming.session());
    if (handOver) {
      getContext().unwatch(previous.session());
      previous.session().tell(new Session.HandOver(incoming.session()));
      members.remove(peerId);
      metrics.roomMembers().decrementAndGet();
    }
    List<Member> others = others(peerId);
    if (previous == null || handOver) {
      admit(incoming);
    }
    if (previous == null && wasAway == null) {
      calls.returned(peerId);
    }
    for (Member m : members.values()) {
      if (!m.peerId().equals(peerId)) {
        // A peer that knew this one learns its new session; one that did not (the room restarted) meets it.
        m.session().tell(new Session.PeerJoined(incoming));
      }
    }
    rejoin.replyTo().tell(new Joined(getContext().getSelf(), others, handOver));
    return this;
  }

  private Behavior<Command> onLeave(Leave leave) {
    Member m = members.get(leave.peerId());
    if (m != null && m.session().equals(leave.session())) {
      getContext().unwatch(m.session());
      remove(leave.peerId());
      endCallIfOver(m);
    } else if (away.containsKey(leave.peerId())) {
      away.remove(leave.peerId());
      timers.cancel(leave.peerId());
      announceLeft(leave.peerId());
    }
    return passivateIfEmpty();
  }

  private Behavior<Command> onSessionTerminated(SessionTerminated t) {
    Member m = members.get(t.peerId());
    if (m != null && m.session().equals(t.session())) {
      // Its node died or it crashed: give the client the grace period to resume elsewhere before telling anyone.
      members.remove(t.peerId());
      metrics.roomMembers().decrementAndGet();
      away.put(t.peerId(), m);
      timers.startSingleTimer(t.peerId(), new AwayExpired(t.peerId(), t.session()), settings.awayGrace());
    }
    return this;
  }

  private Behavior<Command> onAwayExpired(AwayExpired e) {
    Member m = away.get(e.peerId());
    if (m != null && m.session().equals(e.session())) {
      away.remove(e.peerId());
      announceLeft(e.peerId());
      endCallIfOver(null);
    }
    return passivateIfEmpty();
  }

  private Behavior<Command> onRemove(Remove r) {
    Member m = members.get(r.peerId());
    if (m == null) {
      return this;
    }
    getContext().unwatch(m.session());
    m.session().tell(new Session.Removed(r.by()));
    remove(r.peerId());
    endCallIfOver(m);
    return passivateIfEmpty();
  }

  private Behavior<Command> onExpectedExpired(ExpectedExpired e) {
    if (expected.remove(e.peerId())) {
      announceLeft(e.peerId());
    }
    return passivateIfEmpty();
  }

  private Behavior<Command> onTrafficReport(TrafficReport report) {
    Member m = members.get(report.peerId());
    if (m == null || !m.session().equals(report.session())) {
      return this;
    }
    List<PeerStats> peers = new ArrayList<>(report.stats().peers().size());
    for (ClientMessage.PeerTraffic t : report.stats().peers()) {
      peers.add(new PeerStats(t.peerId(), t.localCandidateType(), t.remoteCandidateType(), t.bytesSent()));
    }
    calls.report(report.peerId(), peers, size())
        .ifPresent(reason -> report.session().tell(new Session.StatsRefused(reason)));
    return this;
  }

  /**
   * A call lasts while at least two peers are in the room. When it ends, everyone in it hears what it saved once the
   * last reports had their window.
   */
  private void endCallIfOver(Member leaving) {
    if (size() >= 2) {
      return;
    }
    List<ActorRef<Session.Command>> recipients = new ArrayList<>(members.size() + 1);
    members.values().forEach(m -> recipients.add(m.session()));
    if (leaving != null) {
      recipients.add(leaving.session());
    }
    calls.end(memberIds(), recipients).ifPresent(Room::tellCallEnded);
    timers.startSingleTimer(CallEndingDue.INSTANCE, CallEndingDue.INSTANCE, carbon.config().finalReportWindow());
  }

  private static void tellCallEnded(RoomCalls.Ended<ActorRef<Session.Command>> ended) {
    Session.CallEnded message = new Session.CallEnded(CallReport.of(ended.summary()));
    ended.recipients().forEach(r -> r.tell(message));
  }

  private java.util.Set<String> memberIds() {
    java.util.Set<String> ids = new java.util.HashSet<>(members.keySet());
    ids.addAll(away.keySet());
    return ids;
  }

  private void admit(Member m) {
    members.put(m.peerId(), m);
    metrics.roomMembers().incrementAndGet();
    getContext().watchWith(m.session(), new SessionTerminated(m.peerId(), m.session()));
  }

  private void remove(String peerId) {
    members.remove(peerId);
    metrics.roomMembers().decrementAndGet();
    announceLeft(peerId);
  }

  private void announceLeft(String peerId) {
    for (Member other : members.values()) {
      other.session().tell(new Session.PeerLeft(peerId));
    }
  }

  private List<Member> others(String peerId) {
    List<Member> others = new ArrayList<>(members.size() + away.size());
    for (Member m : members.values()) {
      if (!m.peerId().equals(peerId)) {
        others.add(m);
      }
    }
    for (Member m : away.values()) {
      if (!m.peerId().equals(peerId)) {
        others.add(m);
      }
    }
    return others;
  }

  private int size() {
    return members.size() + away.size();
  }

  private Behavior<Command> passivateIfEmpty() {
    if (members.isEmpty() && away.isEmpty() && expected.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }
}
