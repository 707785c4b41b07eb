package io.greenmesh.loadtest.gatling;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * {@link NegotiationSimulation} over a cluster: {@code -Dgreenmesh.urls} lists the nodes (comma-separated base URLs,
 * at least two), and user {@code k} of room {@code r} connects to node {@code (r + k) mod nodes}, so the peers of
 * every room are on different nodes and every relayed signal crosses from one node to another (a room of 2 on 3
 * nodes: each pair spans two nodes; the room entity itself lives on any of them). Same parameters and request names
 * as {@link NegotiationSimulation}.
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
    System.out.printf("[%s] pairs abandoned because a peer never showed up: %d%n", "CrossNode", board.coordinationTimeouts());
  }
}
