package io.greenmesh.loadtest.gatling;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * {@link NegotiationSimulation} over a cluster: {@code -Dgreenmesh.urls} lists the nodes (comma-separated base URLs,
 * at least two), and user {@code k} of room {@code r} connects to node {@code (r + k) mod nodes}. With rooms no larger
 * than the cluster ({@code -DroomSize=3} on three nodes, as gatling.sh runs it) every peer of a room is on its own
 * node and every relayed signal goes from one node to another; with larger rooms some pairs share a node (rooms of 4
 * on three nodes: 5 of the 6 pairs cross). Same parameters and request names as {@link NegotiationSimulation}.
 */
public class CrossNodeSimulation extends Simulation {
  private final RoomBoard board;

  {
    Params p = new Params("CrossNode");
    List<String> urls = p.webSocketUrls();
    if (urls.size() < 2) {
      throw new IllegalArgumentException("CrossNodeSimulation needs -Dgreenmesh.urls with two nodes or more, got "
          + urls + " (one node: run NegotiationSimulation)");
    }
    board = NegotiationRun.setUp(this, "cross-node negotiation", p, urls);
  }

  @Override
  public void after() {
    System.out.printf("[%s] pairs given up because a peer never came (or its place in the room was taken): %d%n",
        "CrossNode", board.coordinationTimeouts());
  }
}
