package io.greenmesh.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.WsFrameCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What every simulation shares: the protocol configuration, connect / join / leave, the request names the reports
 * and {@code gatling-summary.md} use, and the assertions.
 *
 * <p>Request names. A check is reported under its own name with the time from the send that armed it to the frame
 * it matched: {@value #JOIN} (join → welcome), {@value #RELAY_OFFER_ANSWER}, {@value #RELAY_CANDIDATE}, {@value
 * #RELAY_END_OF_CANDIDATES} (a signal to a peer → that peer's reply: two relays), {@value #RESUME}, {@value #PING}.
 * {@value #CONNECT} and {@value #RECONNECT} are WebSocket handshakes. Gatling also reports every send, 0 ms, under the
 * send's name; those all start with {@value #SEND_PREFIX} and the summary leaves them out.
 */
final class Signaling {
  static final String CONNECT = "connect";
  static final String RECONNECT = "reconnect";
  static final String JOIN = "join";
  static final String RESUME = "resume";
  static final String PING = "ping";
  static final String ALIVE = "alive after hold";
  static final String RELAY_OFFER_ANSWER = "relay offer-answer";
  static final String RELAY_CANDIDATE = "relay candidate";
  static final String RELAY_END_OF_CANDIDATES = "relay end-of-candidates";
  static final String CLOSE = "close";
  static final String SEND_PREFIX = "send ";

  /** The primary WebSocket of a user; a user that resumes elsewhere opens a second one, {@link #RESUMED_WS}. */
  static final String PRIMARY_WS = "primary";
  static final String RESUMED_WS = "resumed";

  private Signaling() {}

  /**
   * The HTTP protocol the WebSocket support hangs off. No warm-up request (Gatling's default warms up against
   * gatling.io; everything here stays on the node's address).
   */
  static HttpProtocolBuilder protocol() {
    return http.disableWarmUp().userAgentHeader("greenmesh-gatling");
  }

  /** Unique per run, so that rooms of a previous run on the same node never mix with this one's. */
  static String runId() {
    return Long.toString(System.currentTimeMillis(), 36);
  }

  /** Where a user connects: sets at least {@code url} on the session; may set more (a fallback URL). */
  interface Placement {
    Session place(Session s, long user, long room, int slot);
  }

  /**
   * A user arrives: numbered in arrival order, users {@code r * roomSize ... r * roomSize + roomSize - 1} share room
   * {@code r} (attributes {@code user}, {@code room}, {@code slot}, {@code roomName} = prefix-run-r); it connects to
   * the URL {@code placement} chose and joins. A user whose connect or join failed goes no further.
   */
  static ChainBuilder enterRoom(String roomPrefix, int roomSize, Duration timeout, Placement placement) {
    String run = runId();
    AtomicLong next = new AtomicLong();
    return exec(s -> {
      long user = next.getAndIncrement();
      long room = user / roomSize;
      int slot = (int) (user % roomSize);
      return placement.place(s.set("user", user).set("room", room).set("slot", slot)
          .set("roomName", roomPrefix + "-" + run + "-" + room)
          .set("displayName", "gatling-" + user), user, room, slot);
    })
        .exec(connect(CONNECT, PRIMARY_WS, "url"))
        .exitHereIfFailed()
        .exec(join(timeout))
        .exitHereIfFailed();
  }

  /** Every user to {@code url}. */
  static Placement everyoneTo(String url) {
    return (s, user, room, slot) -> s.set("url", url);
  }

  /**
   * How many users arrive and how fast: {@code users} rounded up to full rooms, at {@code rate} per second, over
   * {@code ramp} ({@code rampUsers(users).during(ramp)}: evenly spaced arrivals).
   */
  record Arrivals(int users, double rate, Duration ramp) {
    /** From {@code -Drate} and {@code -Dduration}. */
    static Arrivals overDuration(Params p, int roomSize, double defaultRate, String defaultDuration) {
      double rate = p.decimal("rate", defaultRate);
      Duration duration = p.duration("duration", defaultDuration);
      return new Arrivals(Params.roundUp((int) Math.ceil(rate * duration.toMillis() / 1000.0), roomSize), rate,
          duration);
    }

    /** From {@code -Dusers} and {@code -Drate}. */
    static Arrivals ofCount(Params p, int roomSize, int defaultUsers, double defaultRate) {
      int users = Params.roundUp(p.integer("users", defaultUsers), roomSize);
      double rate = p.decimal("rate", defaultRate);
      return new Arrivals(users, rate, Duration.ofMillis((long) Math.ceil(users * 1000.0 / rate)));
    }

    OpenInjectionStep injection() {
      return rampUsers(users).during(ramp);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d users at %.1f/s (%s)", users, rate, describe(ramp));
    }
  }

  /** Opens the user's WebSocket {@code wsName} to the URL in session attribute {@code url}. */
  static ActionBuilder connect(String requestName, String wsName, String urlAttribute) {
    return ws(requestName).wsName(wsName).connect("#{" + urlAttribute + "}");
  }

  /**
   * Sends {@code join} for the session's {@code roomName} and {@code displayName} and waits for {@code welcome};
   * saves {@code peerId}, {@code sessionToken} and {@code peersBefore}, the ids of the peers the welcome names (those
   * who joined the room before this one).
   */
  static ActionBuilder join(Duration timeout) {
    return ws(SEND_PREFIX + "join").wsName(PRIMARY_WS)
        .sendText(s -> Frames.join(s.getString("roomName"), s.getString("displayName")))
        .await(timeout).on(welcome(JOIN).check(
            jsonPath("$.peerId").saveAs("peerId"),
            jsonPath("$.sessionToken").saveAs("sessionToken"),
            jsonPath("$.peers").ofList().find().transform(Signaling::peerIds).saveAs("peersBefore")));
  }

  private static List<String> peerIds(List<Object> peers) {
    List<String> ids = new ArrayList<>();
    for (Object peer : peers) {
      if (peer instanceof Map<?, ?> m && m.get("peerId") != null) {
        ids.add(m.get("peerId").toString());
      }
    }
    return ids;
  }

  /** The reply to a join or a resume: {@code welcome} passes, {@code error} fails with its code in the report. */
  static WsFrameCheck.Text welcome(String name) {
    return ws.checkTextMessage(name)
        .matching(jsonPath("$.type").in("welcome", "error"))
        .check(noErrorCode(), jsonPath("$.type").is("welcome"));
  }

  /** Fails on an {@code error} frame with its code in the report ("… but actually found room-full"). */
  static CheckBuilder.Final noErrorCode() {
    return jsonPath("$.code").notExists();
  }

  /** Sends {@code ping} on {@code wsName} and waits for {@code pong}, reported as {@code name}. */
  static ActionBuilder ping(String name, String wsName, Duration timeout) {
    return ws(SEND_PREFIX + "ping").wsName(wsName).sendText(Frames.PING)
        .await(timeout).on(ws.checkTextMessage(name).matching(jsonPath("$.type").is("pong")));
  }

  /** Leaves the room (no resume grace on the node) and closes the WebSocket. */
  static ChainBuilder leaveAndClose(String wsName) {
    return exec(ws(SEND_PREFIX + "leave").wsName(wsName).sendText(Frames.LEAVE))
        .exec(ws(CLOSE).wsName(wsName).close());
  }

  /** Waits on {@code wsName} until {@code until(session)} (epoch ms) without reporting anything, or until it drops. */
  static ActionBuilder hold(String wsName, Function<Session, Long> until) {
    return ws(SEND_PREFIX + "hold ping").wsName(wsName).sendText(Frames.PING)
        .await(s -> Duration.ofMillis(Math.max(1, until.apply(s) - System.currentTimeMillis())))
        .on(ws.checkTextMessage("hold").matching(jsonPath("$.type").is("never sent by the node")).silent());
  }

  /**
   * The assertions every simulation makes: the p99 of each named request at most its threshold, and for every request
   * at most {@code assert.maxFailedPct} per cent failed. Thresholds are system properties. Their defaults
   * ({@value #DEFAULT_P99_MS} ms) only catch a broken node: they pass on a shared 2-core machine running other builds
   * beside the node and Gatling. The targets are far lower; check one with e.g. {@code -Dassert.joinP99Ms=20}
   * (join p99 ≤ 20 ms at 500 joins/s).
   */
  static List<Assertion> assertions(Params p, List<Threshold> p99s) {
    return assertions(p, p99s, 1.0);
  }

  static List<Assertion> assertions(Params p, List<Threshold> p99s, double defaultMaxFailedPct) {
    List<Assertion> list = new ArrayList<>();
    for (Threshold t : p99s) {
      int ms = p.integer(t.property(), t.defaultMs());
      list.add(details(t.request()).responseTime().percentile(99.0).lte(ms));
    }
    list.add(forAll().failedRequests().percent().lte(p.decimal("assert.maxFailedPct", defaultMaxFailedPct)));
    return list;
  }

  /** The p99 of {@code request} must be at most {@code -D<property>} ms (default {@code defaultMs}). */
  record Threshold(String request, String property, int defaultMs) {
    static Threshold join() {
      return new Threshold(JOIN, "assert.joinP99Ms", DEFAULT_P99_MS);
    }

    static Threshold relay(String request) {
      return new Threshold(request, "assert.relayP99Ms", DEFAULT_P99_MS);
    }

    static Threshold ping(String request) {
      return new Threshold(request, "assert.pingP99Ms", DEFAULT_P99_MS);
    }
  }

  static final int DEFAULT_P99_MS = 5000;

  static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%d ms", d.toMillis());
  }
}
