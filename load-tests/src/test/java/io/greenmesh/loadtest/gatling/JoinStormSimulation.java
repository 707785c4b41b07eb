package io.greenmesh.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.List;

/**
 * Join storm: users arrive at {@code rate} per second for {@code duration}; each opens a WebSocket, joins a room of
 * {@code roomSize} (consecutive users fill a room), stays {@code hold}, leaves and closes. Reported: {@code connect}
 * (WebSocket handshake) and {@code join} (join sent → welcome read).
 *
 * <pre>
 * -Dgreenmesh.url=http://127.0.0.1:8080  -Drate=50  -Dduration=4  -DroomSize=4  -Dhold=1  -Dtimeout=10
 * -Dassert.joinP99Ms=5000  -Dassert.maxFailedPct=1.0      (the target: -Dassert.joinP99Ms=20 at -Drate=500)
 * </pre>
 */
public class JoinStormSimulation extends Simulation {
  {
    Params p = new Params("JoinStorm");
    String url = p.webSocketUrls().get(0);
    int roomSize = p.integer("roomSize", 4);
    Signaling.Arrivals arrivals = Signaling.Arrivals.overDuration(p, roomSize, 50, "4");
    Duration hold = p.duration("hold", "1");
    Duration timeout = p.duration("timeout", "10");

    System.out.printf("[JoinStorm] %s into rooms of %d at %s%n", arrivals, roomSize, url);
    setUp(scenario("join storm")
        .exec(Signaling.enterRoom("storm", roomSize, timeout, Signaling.everyoneTo(url)))
        .pause(hold)
        .exec(Signaling.leaveAndClose(Signaling.PRIMARY_WS))
        .injectOpen(arrivals.injection()))
        .protocols(Signaling.protocol())
        .assertions(Signaling.assertions(p, List.of(Signaling.Threshold.join())));
  }
}
