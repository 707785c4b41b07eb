package io.greenmesh.loadtest.gatling;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/** Sets up {@link NegotiationSimulation} and {@link CrossNodeSimulation}, which differ only in their URLs. */
final class NegotiationRun {
  private NegotiationRun() {}

  /** Calls {@code simulation.setUp(...)}; returns the board, whose coordination timeouts the simulation prints. */
  static RoomBoard setUp(Simulation simulation, String name, Params p, List<String> urls) {
    Negotiation.Settings settings = Negotiation.Settings.from(p);
    Signaling.Arrivals arrivals = Signaling.Arrivals.overDuration(p, settings.roomSize(), 20, "4");
    RoomBoard board = new RoomBoard(settings.roomSize());
    System.out.printf("[%s] %s into rooms of %d, %d candidates per side, over %s%n",
        name, arrivals, settings.roomSize(), settings.candidates(), urls);
    simulation.setUp(Negotiation.build(name, urls, settings, board).injectOpen(arrivals.injection()))
        .protocols(Signaling.protocol())
        .maxDuration(arrivals.ramp().plus(p.duration("maxDurationSlack", "120")))
        .assertions(Signaling.assertions(p, List.of(
            Signaling.Threshold.join(),
            Signaling.Threshold.relay(Signaling.RELAY_OFFER_ANSWER),
            Signaling.Threshold.relay(Signaling.RELAY_CANDIDATE),
            Signaling.Threshold.relay(Signaling.RELAY_END_OF_CANDIDATES))));
    return board;
  }
}
