package io.greenmesh.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.WsFrameCheck;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Offer / answer / trickle ICE between every pair of peers of a room, as greenmesh.js does it, for
 * {@link NegotiationSimulation} (one node) and {@link CrossNodeSimulation} (the peers of a room on different nodes).
 *
 * <p>Consecutive users fill a room. A peer's order in its room is the number of peers its {@code welcome} named (the
 * room takes joins one at a time, so the orders are 0 .. n-1; the order of arrival at the node, which need not be the
 * order Gatling started the users in). Per the protocol the newcomer offers: peer {@code k} offers to peers
 * {@code 0 .. k-1}, whom its own welcome introduced, in that order, then answers peers {@code k+1 .. n-1} in that
 * order. All peers take the pairs in the same global order, so no two wait for each other. One pair, offerer O and
 * answerer A:
 *
 * <pre>
 *   A: ping (arms A's check for O's offer; marks it on the {@link RoomBoard})
 *   O: waits for the mark, then offer             → A answers            O reports "relay offer-answer"
 *   O: pause 20–60 ms, candidate i               → A sends candidate i  O reports "relay candidate"    (× candidates)
 *   O: end-of-candidates                         → A end-of-candidates  O reports "relay end-of-candidates"
 * </pre>
 *
 * Each reported time is at the offerer, from its send to the answerer's reply: two relays through the node(s) plus the
 * answerer's reaction (a Gatling check firing and the next send, well under a millisecond), i.e. a round trip. Gatling
 * times in whole milliseconds. The answerer's own waits are silent checks, not reported: they contain the offerer's
 * pauses. A step that fails (timeout, error frame, dropped connection) abandons that pair on both sides, which then go
 * on with their next pair.
 */
final class Negotiation {
  private Negotiation() {}

  /** How a run negotiates; all from system properties (see the simulations). */
  record Settings(int roomSize, int candidates, Duration gapMin, Duration gapMax, Duration hold, Duration timeout,
                  Duration coordinationTimeout) {
    static Settings from(Params p) {
      return new Settings(
          p.integer("roomSize", 4),
          p.integer("candidates", 4),
          p.duration("candidateGapMin", "20ms"),
          p.duration("candidateGapMax", "60ms"),
          p.duration("hold", "1"),
          p.duration("timeout", "5"),
          p.duration("coordinationTimeout", "30"));
    }
  }

  private static final Duration POLL = Duration.ofMillis(10);

  /**
   * The scenario: users join {@code roomSize} at a time; the {@code k}-th user Gatling starts for room {@code r}
   * connects to {@code urls[(r + k) % urls.size()]}, so with several URLs the peers of a room are on different nodes.
   */
  static ScenarioBuilder build(String name, List<String> urls, Settings settings, RoomBoard board) {
    Signaling.Placement spread = (s, user, room, slot) -> s.set("url", urls.get((int) ((room + slot) % urls.size())));
    return scenario(name)
        .exec(Signaling.enterRoom("nego", settings.roomSize(), settings.timeout(), spread))
        .exec(s -> {
          int order = s.getList("peersBefore").size();
          if (!board.joined(roomOf(s), order, s.getString("peerId"))) {
            board.coordinationTimedOut();
            return s.set("order", -1);
          }
          return s.set("order", order);
        })
        .doIf(s -> orderOf(s) >= 0).then(exec(offers(settings, board)).exec(answers(settings, board)))
        .exec(s -> {
          board.done(roomOf(s));
          return s.markAsSucceeded();
        })
        .pause(settings.hold())
        .exec(Signaling.leaveAndClose(Signaling.PRIMARY_WS));
  }

  // ---------------------------------------------------------------- offerer side

  private static ChainBuilder offers(Settings settings, RoomBoard board) {
    Duration timeout = settings.timeout();
    ChainBuilder pair = exec(ws(Signaling.SEND_PREFIX + "offer").wsName(Signaling.PRIMARY_WS)
            .sendText(s -> Frames.offer(partnerOf(s)))
            .await(timeout).on(fromPartner(Signaling.RELAY_OFFER_ANSWER)
                .check(jsonPath("$.data.description.type").is("answer"))))
        .repeat(settings.candidates(), "candidate").on(
            pause(settings.gapMin(), settings.gapMax())
                .exec(ws(Signaling.SEND_PREFIX + "candidate").wsName(Signaling.PRIMARY_WS)
                    .sendText(s -> Frames.candidate(partnerOf(s), s.getInt("candidate")))
                    .await(timeout).on(fromPartner(Signaling.RELAY_CANDIDATE)
                        .check(jsonPath("$.data.candidate.candidate").exists()))))
        .exec(ws(Signaling.SEND_PREFIX + "end-of-candidates").wsName(Signaling.PRIMARY_WS)
            .sendText(s -> Frames.endOfCandidates(partnerOf(s)))
            .await(timeout).on(fromPartner(Signaling.RELAY_END_OF_CANDIDATES)
                .check(regex("\"candidate\"\\s*:\\s*null").exists())));

    return repeat(s -> orderOf(s), "earlier").on(
        exec(s -> s.set("partnerOrder", s.getInt("earlier")).markAsSucceeded())
            .exec(asLongAsDuring(s -> !board.armed(roomOf(s), partnerOrderOf(s), orderOf(s)),
                settings.coordinationTimeout()).on(pause(POLL)))
            // Only a peer this connection was told about (in its welcome): the node knows it for this session.
            .doIfOrElse(s -> board.armed(roomOf(s), partnerOrderOf(s), orderOf(s))
                && s.getList("peersBefore").contains(board.peerId(roomOf(s), partnerOrderOf(s)))).then(
                exec(s -> s.set("partner", board.peerId(roomOf(s), partnerOrderOf(s))))
                    .exitBlockOnFail().on(pair))
            .orElse(exec(s -> {
              board.coordinationTimedOut();
              return s;
            })));
  }

  // ---------------------------------------------------------------- answerer side

  private static ChainBuilder answers(Settings settings, RoomBoard board) {
    Duration timeout = settings.timeout();
    ChainBuilder pair = exec(ws(Signaling.SEND_PREFIX + "ping (armed for offer)").wsName(Signaling.PRIMARY_WS)
            .sendText(s -> {
              // Evaluated by the send action itself, on the user's event loop, which also reads this WebSocket: the
              // offer cannot be processed before the check below is armed.
              board.arm(roomOf(s), orderOf(s), partnerOrderOf(s));
              return Frames.PING;
            })
            .await(settings.coordinationTimeout()).on(heardFromPartner("offer")))
        .exec(Negotiation::failUnlessHeard)
        .exec(ws(Signaling.SEND_PREFIX + "answer").wsName(Signaling.PRIMARY_WS)
            .sendText(s -> Frames.answer(partnerOf(s)))
            .await(timeout).on(heardFromPartner("candidate")))
        .exec(Negotiation::failUnlessHeard)
        .repeat(settings.candidates(), "candidate").on(
            exec(ws(Signaling.SEND_PREFIX + "candidate").wsName(Signaling.PRIMARY_WS)
                .sendText(s -> Frames.candidate(partnerOf(s), s.getInt("candidate")))
                .await(timeout).on(heardFromPartner("candidate")))
                .exec(Negotiation::failUnlessHeard))
        .exec(ws(Signaling.SEND_PREFIX + "end-of-candidates").wsName(Signaling.PRIMARY_WS)
            .sendText(s -> Frames.endOfCandidates(partnerOf(s))));

    return repeat(s -> settings.roomSize() - 1 - orderOf(s), "later").on(
        exec(s -> s.set("partnerOrder", orderOf(s) + 1 + s.getInt("later")).markAsSucceeded())
            .exec(asLongAsDuring(s -> board.peerId(roomOf(s), partnerOrderOf(s)) == null,
                settings.coordinationTimeout()).on(pause(POLL)))
            .doIfOrElse(s -> board.peerId(roomOf(s), partnerOrderOf(s)) != null).then(
                exec(s -> s.set("partner", board.peerId(roomOf(s), partnerOrderOf(s))))
                    .exitBlockOnFail().on(pair))
            .orElse(exec(s -> {
              board.coordinationTimedOut();
              return s;
            })));
  }

  // ---------------------------------------------------------------- checks

  /**
   * The next frame from the partner, or an error frame (which then fails the check with the error in the report):
   * a {@code signal} whose {@code from} is the partner.
   */
  private static WsFrameCheck.Text fromPartner(String name) {
    return fromPartnerOrError(name).check(Signaling.noErrorCode(), jsonPath("$.type").is("signal"));
  }

  /** The answerer's wait for the offerer's next frame: not reported; remembers that it came. */
  private static WsFrameCheck.Text heardFromPartner(String what) {
    return fromPartnerOrError("(answerer waits for " + what + ")")
        .check(jsonPath("$.type").is("signal").saveAs("heard"))
        .silent();
  }

  private static WsFrameCheck.Text fromPartnerOrError(String name) {
    return ws.checkTextMessage(name)
        .matching(regex(s -> "\"type\"\\s*:\\s*\"error\"|\"from\"\\s*:\\s*\"" + Pattern.quote(partnerOf(s)) + "\"")
            .exists());
  }

  /** A silent check does not fail the session when it times out; this does, so that the pair is abandoned. */
  private static Session failUnlessHeard(Session s) {
    return s.contains("heard") ? s.remove("heard") : s.markAsFailed();
  }

  static long roomOf(Session s) {
    return s.getLong("room");
  }

  static int orderOf(Session s) {
    return s.getInt("order");
  }

  static int partnerOrderOf(Session s) {
    return s.getInt("partnerOrder");
  }

  static String partnerOf(Session s) {
    return s.getString("partner");
  }
}
