package io.greenmesh.signaling.carbon;

import io.greenmesh.carbon.CallSummary;
import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.carbon.accounting.CallRoster;
import io.greenmesh.carbon.accounting.PeerStats;
import io.greenmesh.carbon.accounting.StatsReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The calls of one room, as the carbon ledger sees them. A call lasts while at least two peers are in the room. When
 * it ends, its ledger stays open a moment ({@code greenmesh.carbon.final-report-window}) for the last bytes: a client
 * reports what it sent to a peer when it sees that peer leave, and the leaver's own last report may still be on its
 * way. Then the participants hear what the call saved.
 *
 * <p>Not thread-safe: one per room actor.
 *
 * @param <R> who hears a call's carbon report (a session)
 */
public final class RoomCalls<R> {

  /** A call that has ended, with who is told about it. */
  public record Ended<R>(CallSummary summary, List<R> recipients) {}

  /** A call that has ended but still takes the last reports that name its departed peers. */
  private record Ending<R>(String id, CallRoster roster, List<R> recipients) {}

  private final String room;
  private final CarbonAccountant carbon;
  private final LongSupplier clock;
  /** When each peer joined this room incarnation; a peer back from a room restart has no entry. */
  private final Map<String, Long> joinedAt = new HashMap<>();
  /** Everyone in the current call, including peers who left it: their last bytes may still be reported. */
  private final Set<String> participants = new HashSet<>();
  /**
   * The stamp of each member's last report. The room stamps reports on arrival, and a client may send two in one
   * millisecond (its final report on {@code peer-left} beside its periodic one); the ledger refuses a report that is
   * not after the previous one (replay protection), so stamps are kept strictly increasing per reporter.
   */
  private final Map<String, Long> lastStamp = new HashMap<>();
  private String callId;
  private Ending<R> ending;

  public RoomCalls(String room, CarbonAccountant carbon, LongSupplier clock) {
    this.room = room;
    this.carbon = carbon;
    this.clock = clock;
    this.callId = newCallId();
  }

  /** A newcomer: its links to the others begin now. */
  public void joined(String peerId) {
    joinedAt.put(peerId, clock.getAsLong());
    participants.add(peerId);
  }

  /** A peer re-registering after the room restarted: its links, and their byte counters, are older than us. */
  public void returned(String peerId) {
    participants.add(peerId);
  }

  /**
   * Counts a member's report. Entries about peers of the call that just ended who are not in the current one go to
   * the ending call's ledger; the rest to the current call's.
   *
   * @param roomSize  members of the room now, away ones included
   * @return what was refused, for an error to the reporter
   */
  public Optional<String> report(String reporter, List<PeerStats> peers, int roomSize) {
    long now = stamp(reporter);
    List<PeerStats> late = new ArrayList<>();
    List<PeerStats> current = new ArrayList<>(peers.size());
    for (PeerStats entry : peers) {
      boolean aboutEndedCall = ending != null && entry != null && ending.roster().peers().contains(reporter)
          && ending.roster().peers().contains(entry.remotePeerId()) && !participants.contains(entry.remotePeerId());
      (aboutEndedCall ? late : current).add(entry);
    }
    List<String> refusals = new ArrayList<>(2);
    if (!late.isEmpty()) {
      carbon.accept(ending.id(), new StatsReport(reporter, now, late), ending.roster()).refusal()
          .ifPresent(refusals::add);
    }
    if (!current.isEmpty() || late.isEmpty()) {
      CallRoster roster = new CallRoster(participants, Math.max(2, roomSize), joinedAt);
      carbon.accept(callId, new StatsReport(reporter, now, current), roster).refusal().ifPresent(refusals::add);
    }
    return refusals.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refusals));
  }

  /**
   * The room has fewer than two peers: the call is over, and a new one starts with whoever remains. The ended call
   * takes late reports until {@link #finishEnding()}; a call that was still ending is finished now and returned.
   *
   * @param remaining   peers still in the room
   * @param recipients  who hears the ended call's report
   */
  public Optional<Ended<R>> end(Set<String> remaining, List<R> recipients) {
    Optional<Ended<R>> previous = finishEnding();
    // Priced for the two peers it had when it ended: the late entries are the last bytes between them.
    ending = new Ending<>(callId, new CallRoster(participants, 2, joinedAt), List.copyOf(recipients));
    callId = newCallId();
    participants.clear();
    participants.addAll(remaining);
    joinedAt.keySet().retainAll(remaining);
    return previous;
  }

  /** Closes the ended call's ledger; empty if none was ending or it counted no bytes. */
  public Optional<Ended<R>> finishEnding() {
    Ending<R> done = ending;
    ending = null;
    lastStamp.keySet().retainAll(participants);
    if (done == null) {
      return Optional.empty();
    }
    return carbon.closeCall(done.id())
        .filter(s -> s.directBytes() + s.relayedBytes() > 0)
        .map(s -> new Ended<>(s, done.recipients()));
  }

  /** The room stops: closes the current call and returns the ending one, if any. */
  public Optional<Ended<R>> close() {
    carbon.closeCall(callId);
    return finishEnding();
  }

  private long stamp(String reporter) {
    long now = clock.getAsLong();
    Long last = lastStamp.get(reporter);
    long stamp = last == null ? now : Math.max(now, last + 1);
    lastStamp.put(reporter, stamp);
    return stamp;
  }

  private String newCallId() {
    return room + "/" + UUID.randomUUID();
  }
}
