package io.greenmesh.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reconnect storm: {@code users} sessions spread round robin over the nodes of {@code -Dgreenmesh.urls} join rooms of
 * {@code roomSize} (the peers of a room on different nodes) and hold until {@code hold} after the simulation
 * started. Something outside kills one node meanwhile — gatling.sh kills node 3 by its PID {@code killAfter} seconds
 * into the run, once every session has joined. A session whose WebSocket drops then does what greenmesh.js does:
 * it opens a new WebSocket to the next node of the list ({@code reconnect}) and sends {@code resume} with its session
 * token ({@code resume}: resume sent → welcome with {@code resumed: true} and the same peer id; it includes the node
 * waiting for the dead node's rooms to move, which the cluster does once it has downed that node). Every session
 * then holds until the end, sends a last {@code ping} ({@code alive after hold}), leaves and closes.
 *
 * <p>Without a kill nothing drops and nothing resumes; the assertion on {@code resume} then fails, unless
 * {@code -Dassert.expectResumes=false}.
 *
 * <pre>
 * -Dgreenmesh.urls=http://127.0.0.1:8080,http://127.0.0.1:8081,http://127.0.0.1:8082  -Dusers=60  -Drate=100
 * -DroomSize=4  -Dhold=20  -Dtimeout=10  -DresumeTimeout=30  -Dassert.resumeP99Ms=20000  -Dassert.maxFailedPct=1.0
 * </pre>
 */
public class ReconnectStormSimulation extends Simulation {
  {
    Params p = new Params("ReconnectStorm");
    List<String> urls = p.webSocketUrls();
    int roomSize = p.integer("roomSize", 4);
    Signaling.Arrivals arrivals = Signaling.Arrivals.ofCount(p, roomSize, 60, 100);
    Duration hold = p.duration("hold", "20");
    Duration timeout = p.duration("timeout", "10");
    Duration resumeTimeout = p.duration("resumeTimeout", "30");
    boolean expectResumes = Boolean.parseBoolean(p.text("assert.expectResumes", "true"));
    long holdUntil = System.currentTimeMillis() + hold.toMillis();

    ChainBuilder resume = exec(Signaling.connect(Signaling.RECONNECT, Signaling.RESUMED_WS, "fallbackUrl"))
        .exec(ws(Signaling.SEND_PREFIX + "resume").wsName(Signaling.RESUMED_WS)
            .sendText(s -> Frames.resume(s.getString("sessionToken")))
            .await(resumeTimeout).on(Signaling.welcome(Signaling.RESUME).check(
                jsonPath("$.resumed").ofBoolean().is(true),
                jsonPath("$.peerId").is(s -> s.getString("peerId")))))
        .exec(Signaling.hold(Signaling.RESUMED_WS, s -> holdUntil))
        .exec(Signaling.ping(Signaling.ALIVE, Signaling.RESUMED_WS, timeout))
        .exec(Signaling.leaveAndClose(Signaling.RESUMED_WS));

    ChainBuilder stayed = exec(Signaling.ping(Signaling.ALIVE, Signaling.PRIMARY_WS, timeout))
        .exec(Signaling.leaveAndClose(Signaling.PRIMARY_WS));

    // The peers of a room on different nodes; a dropped session resumes on the node after its own.
    Signaling.Placement spread = (s, user, room, slot) -> {
      int node = (int) ((room + slot) % urls.size());
      return s.set("url", urls.get(node)).set("fallbackUrl", urls.get((node + 1) % urls.size()));
    };
    ScenarioBuilder storm = scenario("reconnect storm")
        .exec(Signaling.enterRoom("reconnect", roomSize, timeout, spread))
        // Returns when the hold is over, or at once when the node closes the WebSocket or dies.
        .exec(Signaling.hold(Signaling.PRIMARY_WS, s -> holdUntil))
        .doIfOrElse(s -> System.currentTimeMillis() < holdUntil - 100).then(resume).orElse(stayed);

    System.out.printf("[ReconnectStorm] %s over %s, held until %s after the start%n",
        arrivals, urls, Signaling.describe(hold));
    List<Signaling.Threshold> p99s = new ArrayList<>(List.of(
        Signaling.Threshold.join(), Signaling.Threshold.ping(Signaling.ALIVE)));
    if (expectResumes) {
      p99s.add(new Signaling.Threshold(Signaling.RESUME, "assert.resumeP99Ms", 20000));
    }
    setUp(storm.injectOpen(arrivals.injection()))
        .protocols(Signaling.protocol())
        .maxDuration(hold.plus(resumeTimeout).plus(p.duration("maxDurationSlack", "120")))
        .assertions(Signaling.assertions(p, p99s));
  }
}
