package io.greenmesh.signaling.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.protocol.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The room entity on its own, with probes standing in for sessions and for the shard. */
class RoomTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();

  private ActorRef<Room.Command> room(int maxPeers, Duration grace) {
    return KIT.spawn(Room.create("r", new Room.Settings(maxPeers, grace), shard.getRef()));
  }

  private record Peer(String id, TestProbe<Session.Command> session, TestProbe<Room.JoinReply> replies) {
    Room.Member member() {
      return new Room.Member(id, id.toUpperCase(), session.getRef());
    }
  }

  private static Peer peer(String id) {
    return new Peer(id, KIT.createTestProbe(), KIT.createTestProbe());
  }

  private static Room.Joined join(ActorRef<Room.Command> room, Peer p) {
    room.tell(new Room.Join(p.member(), p.replies().getRef()));
    return assertInstanceOf(Room.Joined.class, p.replies().receiveMessage());
  }

  private record Call(ActorRef<Room.Command> room, Peer a, Peer b) {}

  /** A room that a and then b joined, with a told of b. */
  private Call aAndB() {
    ActorRef<Room.Command> room = room(16, Duration.ofSeconds(30));
    Peer a = peer("a");
    Peer b = peer("b");
    join(room, a);
    join(room, b);
    a.session().receiveMessage(); // b joined
    return new Call(room, a, b);
  }

  @Test
  void aJoinerLearnsTheOthersAndTheOthersLearnTheJoiner() {
    ActorRef<Room.Command> room = room(16, Duration.ofSeconds(30));
    Peer a = peer("a");
    Peer b = peer("b");
    assertEquals(List.of(), join(room, a).others());
    Room.Joined jb = join(room, b);
    assertEquals(List.of(a.member()), jb.others());
    assertFalse(jb.predecessor());
    assertEquals(b.member(), assertInstanceOf(Session.PeerJoined.class, a.session().receiveMessage()).member());
  }

  @Test
  void aFullRoomRefusesTheNextPeer() {
    ActorRef<Room.Command> room = room(2, Duration.ofSeconds(30));
    join(room, peer("a"));
    join(room, peer("b"));
    Peer c = peer("c");
    room.tell(new Room.Join(c.member(), c.replies().getRef()));
    assertEquals(ErrorCode.ROOM_FULL, assertInstanceOf(Room.JoinRefused.class, c.replies().receiveMessage()).code());
  }

  @Test
  void leavingTellsTheOthersAndTheLastOneOutPassivatesTheRoom() {
    Call call = aAndB();
    ActorRef<Room.Command> room = call.room();
    Peer a = call.a();
    Peer b = call.b();
    room.tell(new Room.Leave("b", b.session().getRef()));
    assertEquals("b", assertInstanceOf(Session.PeerLeft.class, a.session().receiveMessage()).peerId());
    shard.expectNoMessage(Duration.ofMillis(100));
    room.tell(new Room.Leave("a", a.session().getRef()));
    assertInstanceOf(ClusterSharding.Passivate.class, shard.receiveMessage());
  }

  private static Room.TrafficReport sent(Peer from, String to, long bytes) {
    return new Room.TrafficReport(from.id(),
        new ClientMessage.Stats(List.of(new ClientMessage.PeerTraffic(to, "host", "host", bytes))),
        from.session().getRef());
  }

  @Test
  void anEndedCallTakesTheLastReportsBeforeItsParticipantsHearWhatItSaved() throws InterruptedException {
    Call call = aAndB();
    ActorRef<Room.Command> room = call.room();
    Peer a = call.a();
    Peer b = call.b();
    Thread.sleep(300); // so that 1 MB since the link began is under the 50 Mbit/s ceiling

    // first reports count from the link's start (both joins were seen), not from a baseline
    room.tell(sent(a, "b", 1_000_000));
    room.tell(sent(b, "a", 500_000));
    room.tell(new Room.Leave("b", b.session().getRef()));
    assertEquals("b", assertInstanceOf(Session.PeerLeft.class, a.session().receiveMessage()).peerId());
    a.session().expectNoMessage(Duration.ofMillis(300));
    room.tell(sent(a, "b", 1_200_000)); // what A sent B until it saw B leave

    Room.CallReport report = assertInstanceOf(Session.CallEnded.class,
        a.session().receiveMessage(Duration.ofSeconds(5))).report();
    assertEquals(1_700_000, report.bytesDirect());
    assertEquals(report, assertInstanceOf(Session.CallEnded.class,
        b.session().receiveMessage(Duration.ofSeconds(1))).report(), "the leaver hears it too");
  }

  @Test
  void aStaleLeaveFromAReplacedSessionIsIgnored() {
    Call call = aAndB();
    ActorRef<Room.Command> room = call.room();
    Peer a = call.a();
    Peer b = call.b();
    TestProbe<Session.Command> b2 = KIT.createTestProbe();
    room.tell(new Room.Rejoin(new Room.Member("b", "B", b2.getRef()), List.of(), b.replies().getRef()));
    assertTrue(assertInstanceOf(Room.Joined.class, b.replies().receiveMessage()).predecessor());
    assertEquals(b2.getRef(), assertInstanceOf(Session.HandOver.class, b.session().receiveMessage()).successor());
    assertEquals(b2.getRef(),
        assertInstanceOf(Session.PeerJoined.class, a.session().receiveMessage()).member().session());
    room.tell(new Room.Leave("b", b.session().getRef()));
    a.session().expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aMemberWhoseSessionDiesIsGivenTheGracePeriodToResume() {
    ActorRef<Room.Command> room = room(16, Duration.ofMillis(300));
    Peer a = peer("a");
    join(room, a);
    Peer b = peer("b");
    join(room, b);
    a.session().receiveMessage();
    b.session().stop();
    a.session().expectNoMessage(Duration.ofMillis(150));
    assertEquals("b", assertInstanceOf(Session.PeerLeft.class, a.session().receiveMessage()).peerId());
  }

  @Test
  void aMemberWhoseSessionDiedCanResumeWithinTheGracePeriod() {
    ActorRef<Room.Command> room = room(16, Duration.ofSeconds(5));
    Peer a = peer("a");
    join(room, a);
    Peer b = peer("b");
    join(room, b);
    a.session().receiveMessage();
    b.session().stop();
    TestProbe<Session.Command> b2 = KIT.createTestProbe();
    // Let the room notice the death before the resume arrives.
    a.session().expectNoMessage(Duration.ofMillis(100));
    room.tell(new Room.Rejoin(new Room.Member("b", "B", b2.getRef()), List.of(), b.replies().getRef()));
    Room.Joined joined = assertInstanceOf(Room.Joined.class, b.replies().receiveMessage());
    assertFalse(joined.predecessor());
    assertEquals(List.of(a.member()), joined.others());
    assertEquals(b2.getRef(),
        assertInstanceOf(Session.PeerJoined.class, a.session().receiveMessage()).member().session());
  }

  @Test
  void aRestartedRoomRebuildsItsMembershipFromRejoins() {
    ActorRef<Room.Command> room = room(16, Duration.ofSeconds(30));
    Peer a = peer("a");
    Peer b = peer("b");
    room.tell(new Room.Rejoin(a.member(), List.of(), a.replies().getRef()));
    assertEquals(List.of(), assertInstanceOf(Room.Joined.class, a.replies().receiveMessage()).others());
    room.tell(new Room.Rejoin(b.member(), List.of("a", "c"), b.replies().getRef()));
    assertEquals(List.of(a.member()), assertInstanceOf(Room.Joined.class, b.replies().receiveMessage()).others());
    assertEquals(b.member(), assertInstanceOf(Session.PeerJoined.class, a.session().receiveMessage()).member());
  }

  @Test
  void aRestartedRoomAnnouncesThatPeersNobodyBroughtBackHaveLeft() {
    ActorRef<Room.Command> room = room(16, Duration.ofMillis(300));
    Peer a = peer("a");
    Peer b = peer("b");
    room.tell(new Room.Rejoin(a.member(), List.of("b", "c"), a.replies().getRef()));
    a.replies().receiveMessage();
    room.tell(new Room.Rejoin(b.member(), List.of("a", "c"), b.replies().getRef()));
    b.replies().receiveMessage();
    assertInstanceOf(Session.PeerJoined.class, a.session().receiveMessage());
    assertEquals("c", assertInstanceOf(Session.PeerLeft.class, a.session().receiveMessage()).peerId());
    assertEquals("c", assertInstanceOf(Session.PeerLeft.class, b.session().receiveMessage()).peerId());
    a.session().expectNoMessage(Duration.ofMillis(400));
  }
}
