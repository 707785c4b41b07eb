package io.greenmesh.loadtest.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One simulated peer on its own WebSocket (the JDK client). It joins a room, sends what it is told to, and records
 * join and signal latencies and anything that goes wrong. Frames go out one at a time, in order, through a small
 * queue (the JDK WebSocket allows one pending send).
 */
final class LoadSession implements WebSocket.Listener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUEUED = 256;

  /** A frame waiting to go out: text, or the close handshake. */
  private sealed interface Outgoing {}

  private record Text(String json) implements Outgoing {}

  private record Close() implements Outgoing {}

  final int index;
  private final Measurements measurements;
  private final CompletableFuture<String> welcome = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ArrayDeque<Outgoing> queued = new ArrayDeque<>();
  private volatile WebSocket socket;
  private volatile long joinSentNanos;
  private volatile boolean closing;
  private boolean sending;
  private StringBuilder partial;

  LoadSession(int index, Measurements measurements) {
    this.index = index;
    this.measurements = measurements;
  }

  CompletableFuture<LoadSession> connect(HttpClient http, URI uri) {
    return http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, this)
        .thenApply(ws -> {
          socket = ws;
          return this;
        });
  }

  void join(String room) {
    joinSentNanos = System.nanoTime();
    send(new Text("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"load-" + index + "\"}"));
  }

  /** Completes with this session's peer id when its {@code welcome} arrives. */
  CompletableFuture<String> welcome() {
    return welcome;
  }

  /** Whether the connection is still open: neither closed nor failed. */
  boolean open() {
    return socket != null && !closed.isDone();
  }

  /** This session's peer id once welcomed; null before, and when the join was refused or the connection failed. */
  String peerId() {
    return welcome.isCompletedExceptionally() ? null : welcome.getNow(null);
  }

  /** Sends a signal to {@code peerId} stamped with the time now. */
  void signal(String peerId, long sequence, String padding) {
    send(new Text(SignalPayload.signalFrame(peerId, System.nanoTime(), sequence, padding)));
  }

  /** Leaves the room (so the node drops the session at once, with no resume grace) and closes the connection. */
  CompletableFuture<Void> leaveAndClose() {
    closing = true;
    if (socket != null) {
      send(new Text("{\"type\":\"leave\"}"));
      send(new Close());
    } else {
      closed.complete(null);
    }
    return closed;
  }

  // ---------------------------------------------------------------- sending

  private void send(Outgoing frame) {
    WebSocket ws = socket;
    synchronized (this) {
      if (sending) {
        if (queued.size() >= MAX_QUEUED) {
          measurements.errors.record("client-queue-full");
        } else {
          queued.add(frame);
        }
        return;
      }
      sending = true;
    }
    transmit(ws, frame);
  }

  private void transmit(WebSocket ws, Outgoing frame) {
    CompletableFuture<WebSocket> sent;
    try {
      sent = frame instanceof Text text
          ? ws.sendText(text.json(), true)
          : ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((w, failure) -> {
      if (failure != null && !closing) {
        measurements.errors.record("send-failed:" + rootCause(failure).getClass().getSimpleName());
      }
      Outgoing next;
      synchronized (this) {
        next = queued.poll();
        if (next == null) {
          sending = false;
          return;
        }
      }
      transmit(ws, next);
    });
  }

  // ---------------------------------------------------------------- receiving

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    long now = System.nanoTime();
    if (!last) {
      (partial == null ? partial = new StringBuilder() : partial).append(data);
      return null;
    }
    String text = partial == null ? data.toString() : partial.append(data).toString();
    partial = null;
    try {
      handle(JSON.readTree(text), now);
    } catch (Exception e) {
      measurements.errors.record("unparseable-frame");
    }
    return null;
  }

  private void handle(JsonNode frame, long receivedNanos) {
    String type = frame.path("type").asText();
    switch (type) {
      case "welcome" -> {
        measurements.joined(receivedNanos - joinSentNanos);
        welcome.complete(frame.path("peerId").asText());
      }
      case "signal" -> SignalPayload.sentNanos(frame.get("data"))
          .ifPresent(sent -> measurements.signalDelivered(receivedNanos - sent));
      case "error" -> {
        String code = frame.path("code").asText();
        measurements.errors.record("error:" + code);
        if ("join".equals(frame.path("ref").asText())) {
          welcome.completeExceptionally(new IllegalStateException("join refused: " + code));
        }
      }
      case "peer-joined", "peer-left", "pong", "broadcast", "carbon-report" -> { }
      default -> measurements.errors.record("unexpected-frame:" + type);
    }
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    if (!closing) {
      measurements.errors.record("closed-by-node:" + statusCode);
    }
    welcome.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
    closed.complete(null);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    if (!closing) {
      measurements.errors.record("connection-error:" + rootCause(error).getClass().getSimpleName());
    }
    welcome.completeExceptionally(error);
    closed.complete(null);
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }
}
