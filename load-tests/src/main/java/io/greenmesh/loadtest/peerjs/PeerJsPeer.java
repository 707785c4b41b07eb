package io.greenmesh.loadtest.peerjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated PeerJS client on its own JDK WebSocket: it opens the signaling socket, waits for {@code OPEN}, and
 * sends what it is given (heartbeats and relayed messages) one frame at a time, in order, through a bounded queue
 * (the JDK WebSocket allows one pending send). Relayed messages it receives are checked (from its partner?) and
 * their one-way latency recorded; anything else the server says is an error.
 */
final class PeerJsPeer implements WebSocket.Listener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUEUED = 512;

  final int index;
  final String id;
  private final String partnerId;
  private final PeerJsMeasurements measurements;
  private final CompletableFuture<Long> open = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Queue<String> outgoing = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean sending = new AtomicBoolean();
  private volatile WebSocket socket;
  private volatile boolean closing;
  private StringBuilder partial;

  PeerJsPeer(int index, String id, String partnerId, PeerJsMeasurements measurements) {
    this.index = index;
    this.id = id;
    this.partnerId = partnerId;
    this.measurements = measurements;
  }

  /** Opens the socket; completes with the nanoseconds from the start of the handshake to {@code OPEN}. */
  CompletableFuture<Long> connect(HttpClient http, URI uri) {
    long start = System.nanoTime();
    http.newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, this)
        .whenComplete((ws, failure) -> {
          if (failure != null) {
            measurements.error("connect-failed:" + rootCause(failure).getClass().getSimpleName());
            open.completeExceptionally(failure);
          } else {
            socket = ws;
          }
        });
    return open.thenApply(openedAt -> openedAt - start);
  }

  boolean isOpen() {
    return open.isDone() && !open.isCompletedExceptionally() && !closed.isDone();
  }

  void heartbeat() {
    if (isOpen() && !closing) {
      send(PeerJsFrames.HEARTBEAT);
    }
  }

  /** Queues {@code frame}; false (and an error counted) if the queue is full or the socket is gone. */
  boolean send(String frame) {
    if (socket == null || closed.isDone()) {
      measurements.error("send-on-closed-socket");
      return false;
    }
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      measurements.error("client-queue-full");
      return false;
    }
    outgoing.add(frame);
    drain();
    return true;
  }

  private void drain() {
    while (sending.compareAndSet(false, true)) {
      String frame = outgoing.poll();
      if (frame == null) {
        sending.set(false);
        if (outgoing.isEmpty()) {
          return;
        }
        continue; // a frame arrived between poll and set(false)
      }
      queued.decrementAndGet();
      CompletableFuture<WebSocket> sent;
      try {
        sent = socket.sendText(frame, true);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        sending.set(false); // sent at once: carry on in this loop instead of recursing
        continue;
      }
      sent.whenComplete((w, failure) -> {
        if (failure != null && !closing) {
          measurements.error("send-failed:" + rootCause(failure).getClass().getSimpleName());
        }
        sending.set(false);
        drain();
      });
      return;
    }
  }

  /** Closes the socket (normal closure); completes when the server has closed too, or the socket failed. */
  CompletableFuture<Void> close() {
    closing = true;
    WebSocket ws = socket;
    if (ws == null || closed.isDone()) {
      closed.complete(null);
    } else {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").whenComplete((w, failure) -> {
        if (failure != null) {
          closed.complete(null);
        }
      });
    }
    return closed;
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
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (Exception e) {
      measurements.error("unparseable-frame");
      return null;
    }
    Optional<PeerJsFrames.Relayed> relayed = PeerJsFrames.relayed(frame);
    if (relayed.isPresent()) {
      PeerJsFrames.Relayed r = relayed.get();
      if (!partnerId.equals(r.src())) {
        measurements.error("relayed-from-wrong-src");
      }
      measurements.delivered(r, now - r.sentNanos());
      return null;
    }
    String type = frame.path("type").asText();
    if (type.equals("OPEN")) {
      if (!open.complete(now)) {
        measurements.error("second-OPEN");
      }
    } else {
      String msg = frame.path("payload").path("msg").asText("");
      measurements.error("server:" + type + (msg.isEmpty() ? "" : " (" + msg + ")"));
      open.completeExceptionally(new IllegalStateException("server said " + text));
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    if (!closing) {
      measurements.error("closed-by-server:" + statusCode + (reason.isEmpty() ? "" : " " + reason));
    }
    open.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
    closed.complete(null);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    if (!closing) {
      measurements.error("connection-error:" + rootCause(error).getClass().getSimpleName());
    }
    open.completeExceptionally(error);
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
