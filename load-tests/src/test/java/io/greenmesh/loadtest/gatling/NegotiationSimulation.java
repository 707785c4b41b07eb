package io.greenmesh.loadtest.gatling;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * Steady-state negotiation on one node: users arrive at {@code rate} per second for {@code duration} and fill rooms of
 * {@code roomSize} (2, 4, 8, … up to the node's cap of 16); every pair of peers of a room runs offer / answer /
 * {@code candidates} trickle candidates / end-of-candidates (see {@link Negotiation}); then each peer stays
 * {@code hold}, leaves and closes. Reported: {@code join}, and per relayed signal the round trip at the offerer
 * ({@code relay offer-answer}, {@code relay candidate}, {@code relay end-of-candidates}: two relays each).
 *
 * <pre>
 * -Dgreenmesh.url=http://127.0.0.1:8080  -DroomSize=4  -Drate=20  -Dduration=4  -Dcandidates=4
 * -DcandidateGapMin=20ms  -DcandidateGapMax=60ms  -Dhold=1  -Dtimeout=5  -DcoordinationTimeout=30
 * -Dassert.joinP99Ms=5000  -Dassert.relayP99Ms=5000  -Dassert.maxFailedPct=1.0
 * </pre>
 */
public class NegotiationSimulation extends Simulation {
  private final RoomBoard board;

  {
    Params p = new Params("Negotiation");
    List<String> urls = List.of(p.webSocketUrls().get(0));
    board = NegotiationRun.setUp(this, "negotiation", p, urls);
  }

  @Override
  public void after() {
    System.out.printf("[%s] pairs given up because a peer never came (or its place in the room was taken): %d%n",
        "Negotiation", board.coordinationTimeouts());
  }
}
