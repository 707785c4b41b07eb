package io.greenmesh.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Many idle sessions: {@code users} WebSockets open at {@code rate} per second, join rooms of {@code roomSize}, then
 * stay {@code hold} doing nothing but what greenmesh.js does when idle, a {@code ping} every {@code pingEvery} (the
 * first at a random point of that interval, so that they do not come in waves); then one last {@code ping} (reported
 * as {@code alive after hold}), leave and close. A session that dropped fails its next {@code ping} or
 * {@code alive after hold}, so "none dropped" is {@code -Dassert.maxFailedPct=0} (the default here).
 *
 * <pre>
 * -Dgreenmesh.url=http://127.0.0.1:8080  -Dusers=200  -Drate=100  -DroomSize=4  -Dhold=10  -DpingEvery=20
 * -Dtimeout=10  -Dassert.joinP99Ms=5000  -Dassert.pingP99Ms=5000  -Dassert.maxFailedPct=0
 * </pre>
 */
public class IdleSessionsSimulation extends Simulation {
  {
    Params p = new Params("IdleSessions");
    String url = p.webSocketUrls().get(0);
    int roomSize = p.integer("roomSize", 4);
    Signaling.Arrivals arrivals = Signaling.Arrivals.ofCount(p, roomSize, 200, 100);
    Duration hold = p.duration("hold", "10");
    Duration pingEvery = p.duration("pingEvery", "20");
    Duration timeout = p.duration("timeout", "10");

    ScenarioBuilder idle = scenario("idle sessions")
        .exec(Signaling.enterRoom("idle", roomSize, timeout, Signaling.everyoneTo(url)))
        .exec(s -> s.set("holdUntil", System.currentTimeMillis() + hold.toMillis()))
        .pause(s -> min(Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, pingEvery.toMillis()))),
            untilHoldEnds(s)))
        .asLongAs(s -> !untilHoldEnds(s).isZero()).on(
            exec(Signaling.ping(Signaling.PING, Signaling.PRIMARY_WS, timeout))
                .pause(s -> min(pingEvery, untilHoldEnds(s))))
        .exec(Signaling.ping(Signaling.ALIVE, Signaling.PRIMARY_WS, timeout))
        .exec(Signaling.leaveAndClose(Signaling.PRIMARY_WS));

    System.out.printf("[IdleSessions] %s, each held %s, ping every %s, at %s%n",
        arrivals, Signaling.describe(hold), Signaling.describe(pingEvery), url);
    setUp(idle.injectOpen(arrivals.injection()))
        .protocols(Signaling.protocol())
        .maxDuration(arrivals.ramp().plus(hold).plus(p.duration("maxDurationSlack", "120")))
        .assertions(Signaling.assertions(p, List.of(
            Signaling.Threshold.join(),
            Signaling.Threshold.ping(Signaling.PING),
            Signaling.Threshold.ping(Signaling.ALIVE)), 0.0));
  }

  private static Duration untilHoldEnds(Session s) {
    return Duration.ofMillis(Math.max(0, s.getLong("holdUntil") - System.currentTimeMillis()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
