package io.greenmesh.signaling.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-address limits of a node, over real WebSockets from 127.0.0.1. */
class LimitsWebSocketTest {
  private static GreenMeshNode node;
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNodes.start(Map.of(
        "greenmesh.limits.connections-per-ip", 3,
        "greenmesh.limits.joins-per-second-per-ip", 0.5,
        "greenmesh.limits.join-burst-per-ip", 2));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void closeClients() throws InterruptedException {
    clients.forEach(WsClient::close);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (Limits.get(node.system()).connectionsFrom("127.0.0.1") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50); // the next test starts with every slot free: the node sees each close a little later
    }
  }

  @Test
  void oneAddressGetsItsShareOfConnectionsAndJoins() throws Exception {
    for (int i = 0; i < 3; i++) {
      clients.add(new WsClient(node.httpPort()));
    }
    CompletionException refused = assertThrows(CompletionException.class, () -> new WsClient(node.httpPort()));
    WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
    assertEquals(429, handshake.getResponse().statusCode());

    WsClient c = clients.get(0);
    c.join("lim-a", "A");
    c.send("{\"type\":\"leave\"}");
    c.join("lim-b", "A");
    c.send("{\"type\":\"leave\"}");
    c.send("{\"type\":\"join\",\"room\":\"lim-c\"}");
    assertTrue(c.expectError("rate-limited").get("message").asText().contains("too many joins"));

    clients.remove(2).close();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) { // the slot is released when the server sees the close
      try {
        clients.add(new WsClient(node.httpPort()));
        break;
      } catch (CompletionException stillCounted) {
        assertTrue(System.nanoTime() < deadline, "a closed connection frees its slot");
        Thread.sleep(100);
      }
    }
    var registry = node.telemetry().registry();
    assertTrue(registry.get("greenmesh.signaling.limit.refusals").tag("limit", "connections-per-ip").counter()
        .count() >= 1);
    assertEquals(1.0, registry.get("greenmesh.signaling.limit.refusals").tag("limit", "joins-per-ip").counter()
        .count());
  }

  @Test
  void thePeerJsEndpointCountsAgainstTheSameConnectionLimit() throws Exception {
    for (int i = 0; i < 2; i++) {
      clients.add(new WsClient(node.httpPort()));
    }
    URI peerJs = URI.create("ws://127.0.0.1:" + node.httpPort() + "/peerjs/peerjs?key=peerjs&id=lim-p&token=t1");
    clients.add(new WsClient(peerJs)); // the third and last connection 127.0.0.1 may hold

    CompletionException refused = assertThrows(CompletionException.class,
        () -> new WsClient(URI.create("ws://127.0.0.1:" + node.httpPort() + "/peerjs/peerjs?key=peerjs&id=lim-q&token=t2")));
    assertEquals(429, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
        .getResponse().statusCode());
    assertThrows(CompletionException.class, () -> new WsClient(node.httpPort()), "native and PeerJS share the count");
    assertTrue(node.telemetry().registry().get("greenmesh.peerjs.connections.refused")
        .tag("reason", "connections-per-ip").counter().count() >= 1);
  }

  @Test
  void behindATrustedProxyTheAddressItAppendedCounts() {
    GreenMeshNode proxied = TestNodes.start(Map.of(
        "greenmesh.limits.connections-per-ip", 1,
        "greenmesh.limits.trust-forwarded-for", true));
    try {
      java.net.URI uri = java.net.URI.create("ws://127.0.0.1:" + proxied.httpPort() + "/v1/ws");
      clients.add(new WsClient(uri, Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.1")));
      clients.add(new WsClient(uri, Map.of("X-Forwarded-For", "198.51.100.2")));
      // A client cannot dodge the limit by prepending addresses of its own: the proxy's entry is the last one.
      CompletionException refused = assertThrows(CompletionException.class,
          () -> new WsClient(uri, Map.of("X-Forwarded-For", "192.0.2.77, 198.51.100.1")));
      assertEquals(429, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
          .getResponse().statusCode());
    } finally {
      clients.forEach(WsClient::close);
      clients.clear();
      proxied.close();
    }
  }
}
