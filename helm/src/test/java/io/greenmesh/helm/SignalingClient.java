package io.greenmesh.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A protocol v1 client over the JDK WebSocket (docs/protocol.md), for driving real traffic in tests. */
final class SignalingClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();

  SignalingClient(int port) {
    socket = Net.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              try {
                received.add(JSON.readTree(text.toString()));
              } catch (Exception e) {
                received.add(JSON.createObjectNode().put("type", "unparseable"));
              }
              text.setLength(0);
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
        }).join();
  }

  void send(String json) {
    socket.sendText(json, true).orTimeout(5, TimeUnit.SECONDS).join();
  }

  /** The next message of this type (others are skipped); fails after 10 s. */
  JsonNode expect(String type) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        JsonNode m = received.poll(250, TimeUnit.MILLISECONDS);
        if (m != null && type.equals(m.path("type").asText())) {
          return m;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no " + type + " within 10 s");
  }

  JsonNode join(String room, String name) {
    send("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"" + name + "\"}");
    return expect("welcome");
  }

  /** Whether the server closed the connection within the timeout. */
  boolean closedByServer(Duration timeout) {
    try {
      closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Drops the connection without a close frame, like a phone leaving Wi-Fi. */
  void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(3, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
    }
  }
}
