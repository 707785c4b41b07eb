package io.greenmesh.signaling.e2e;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.GreenMeshNode;

/** An in-process GreenMesh node for the browser tests: loopback only, on ports the system picks. */
final class LoopbackNode {

  private LoopbackNode() {}

  /** Starts a node with {@code overrides} over the loopback settings; without the embedded TURN relay. */
  static GreenMeshNode start(Config overrides) {
    Config loopback = ConfigFactory.parseString("""
        greenmesh.http.host = "127.0.0.1"
        greenmesh.http.port = 0
        greenmesh.management.host = "127.0.0.1"
        greenmesh.management.port = 0
        greenmesh.cluster.host = "127.0.0.1"
        greenmesh.cluster.port = 0
        greenmesh.turn.enabled = false
        """);
    return GreenMeshNode.start(overrides.withFallback(loopback));
  }

  /** The demo page of {@code room} on {@code node}, as a browser must open it (localhost is a secure context). */
  static String roomUrl(GreenMeshNode node, String room) {
    return "http://localhost:" + node.httpPort() + "/" + room;
  }
}
