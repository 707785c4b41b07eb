package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** PeerJS clients of a test, speaking the wire protocol as the {@code peerjs} client's socket.ts does. */
final class PeerJsClients implements AutoCloseable {
  private final List<WsClient> open = new ArrayList<>();

  /** A fresh id the PeerJS client would accept (alphanumerics and dashes). */
  static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Closes {@code c} with the others. */
  WsClient add(WsClient c) {
    open.add(c);
    return c;
  }

  /** {@code ws://…{path}/peerjs?key=&id=&token=&version=}, with the given raw query. */
  WsClient connectRaw(GreenMeshNode node, String query) {
    WsClient c = new WsClient(URI.create("ws://127.0.0.1:" + node.httpPort() + "/peerjs/peerjs?" + query));
    open.add(c);
    return c;
  }

  WsClient connect(GreenMeshNode node, String id, String token) {
    return connectRaw(node, "key=peerjs&id=" + enc(id) + "&token=" + enc(token) + "&version=1.5.5");
  }

  /** Connects and expects OPEN. */
  WsClient open(GreenMeshNode node, String id, String token) {
    WsClient c = connect(node, id, token);
    c.expect("OPEN");
    return c;
  }

  /**
   * Connects until the id is free and the server answers OPEN, bounded to 20 s: a close, or a node going away, reaches
   * the id's entity asynchronously.
   */
  WsClient awaitOpen(GreenMeshNode node, String id, String token) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      WsClient c = connect(node, id, token);
      JsonNode first = c.nextOrNull(Duration.ofSeconds(2));
      if (first != null && first.path("type").asText().equals("OPEN")) {
        return c;
      }
      c.close();
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("id " + id + " not free within 20 s; last answer " + first);
      }
      TwoNodeCluster.sleep(100);
    }
  }

  static void send(WsClient from, String type, String dst, String payloadJson) {
    from.send("{\"type\":\"" + type + "\",\"dst\":\"" + dst + "\",\"payload\":" + payloadJson + "}");
  }

  /** Expects a relayed message with exactly these fields. */
  static JsonNode expectRelayed(WsClient to, String type, String src, String dst) {
    JsonNode n = to.expect(type);
    assertEquals(src, n.path("src").asText(), () -> "src of " + n);
    assertEquals(dst, n.path("dst").asText(), () -> "dst of " + n);
    return n;
  }

  /** Expects {@code {"type":"ERROR","payload":{"msg":message}}}, then the close. */
  static void expectErrorAndClose(WsClient c, String message) {
    JsonNode n = c.expect("ERROR");
    assertEquals(message, n.path("payload").path("msg").asText(), () -> "error " + n);
    expectClosed(c);
  }

  static void expectClosed(WsClient c) {
    try {
      c.closed().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close the socket within 5 s", e);
    }
  }

  static void expectOpen(WsClient c) {
    assertTrue(!c.closed().isDone(), "the socket is still open");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    open.forEach(WsClient::close);
    open.clear();
  }
}
