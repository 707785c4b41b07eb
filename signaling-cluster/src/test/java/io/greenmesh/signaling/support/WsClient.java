package io.greenmesh.signaling.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A signaling client for tests: sends JSON text frames, queues what arrives, remembers how it closed. */
public final class WsClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  public WsClient(int port) {
    this(URI.create("ws://127.0.0.1:" + port + "/v1/ws"));
  }

  /** A client of another WebSocket endpoint of the node (the PeerJS one, for instance). */
  public WsClient(URI uri) {
    this(uri, java.util.Map.of());
  }

  /** With extra request headers (X-Forwarded-For, Origin, ...). */
  public WsClient(URI uri, java.util.Map<String, String> headers) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  public WsClient send(String json) {
    socket.sendText(json, true).join();
    return this;
  }

  /** Sends one binary frame. */
  public WsClient sendBinary(byte[] data) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    return this;
  }

  /** The next frame, waiting up to 5 s; fails the test if none arrives. */
  public JsonNode next() {
    return next(Duration.ofSeconds(5));
  }

  /** The next frame, waiting up to {@code d}; fails the test if none arrives. */
  public JsonNode next(Duration d) {
    try {
      JsonNode n = inbox.poll(d.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(n, () -> "no frame within " + d);
      return n;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame within {@code d}, or null. */
  public JsonNode nextOrNull(Duration d) {
    try {
      return inbox.poll(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame if one arrives within {@code d}, else null. */
  public JsonNode poll(Duration d) {
    try {
      return inbox.poll(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame, asserting its type. */
  public JsonNode expect(String type) {
    JsonNode n = next();
    assertEquals(type, n.path("type").asText(), () -> "unexpected frame " + n);
    return n;
  }

  /** Asserts an error with this code arrives next. */
  public JsonNode expectError(String code) {
    JsonNode n = expect("error");
    assertEquals(code, n.path("code").asText(), () -> "unexpected error " + n);
    return n;
  }

  /** Asserts that nothing arrives for the given time. */
  public void expectSilence(Duration d) {
    try {
      JsonNode n = inbox.poll(d.toMillis(), TimeUnit.MILLISECONDS);
      assertNull(n, () -> "expected no frame, got " + n);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Joins and returns the welcome. */
  public JsonNode join(String room, String name) {
    send("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"" + name + "\"}");
    return expect("welcome");
  }

  public CompletableFuture<Integer> closed() {
    return closed;
  }

  /** Drops the TCP connection without a close handshake, as a lost network would. */
  public void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          inbox.add(JSON.readTree(partial.toString()));
        } catch (Exception e) {
          throw new IllegalStateException("server sent invalid JSON: " + partial, e);
        }
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }
  }
}
