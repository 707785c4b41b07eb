package io.greenmesh.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A steady, light load of calls through the signaling Service: pairs of peers in their own rooms signal each other
 * every second, and a new peer joins (and leaves) every second, half of them into the pairs' rooms. A peer whose
 * connection closes reconnects through the Service and {@code resume}s with its session token and last seq, as the
 * browser client does. Counts failed joins, resumes (and how long they took), lost sessions and lost signals.
 */
final class CallLoad implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RESUME_GRACE = Duration.ofSeconds(30);

  private final Supplier<InetSocketAddress> service;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(3);
  /** Every resuming peer waits on its own thread: a shared pool would queue them behind one another. */
  private final java.util.concurrent.ExecutorService resumers = Executors.newCachedThreadPool();
  private final List<Peer[]> pairs = new ArrayList<>();
  final AtomicInteger joinsOk = new AtomicInteger();
  final List<String> joinsFailed = new CopyOnWriteArrayList<>();
  final AtomicInteger resumesOk = new AtomicInteger();
  final List<String> sessionsLost = new CopyOnWriteArrayList<>();
  final List<Long> resumeMillis = new CopyOnWriteArrayList<>();
  private final AtomicInteger joinSequence = new AtomicInteger();
  private volatile boolean running = true;

  CallLoad(Supplier<InetSocketAddress> service, int pairCount) {
    this.service = service;
    for (int i = 0; i < pairCount; i++) {
      String room = "sim-room-" + i;
      Peer a = new Peer("a" + i);
      Peer b = new Peer("b" + i);
      a.join(room);
      b.join(room);
      a.partner = b;
      b.partner = a;
      pairs.add(new Peer[] {a, b});
    }
    timer.scheduleWithFixedDelay(this::signalAll, 0, 1, TimeUnit.SECONDS);
    timer.scheduleWithFixedDelay(this::oneJoin, 500, 1000, TimeUnit.MILLISECONDS);
  }

  private void signalAll() {
    for (Peer[] pair : pairs) {
      pair[0].signal(pair[1]);
      pair[1].signal(pair[0]);
    }
  }

  /** A newcomer joins through the Service, checks the welcome, and leaves. */
  private void oneJoin() {
    if (!running) {
      return;
    }
    int n = joinSequence.incrementAndGet();
    String room = n % 2 == 0 ? "sim-room-" + (n / 2) % Math.max(1, pairs.size()) : "sim-newcomer-" + n;
    InetSocketAddress target = service.get();
    if (target == null) {
      joinsFailed.add("join " + n + ": the Service has no ready endpoint");
      return;
    }
    Connection c = null;
    try {
      c = new Connection(target, m -> { }, code -> { });
      c.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"newcomer\"}");
      JsonNode w = c.await("welcome", Duration.ofSeconds(10));
      if (w == null) {
        joinsFailed.add("join " + n + " at " + target + ": " + c.lastError());
      } else {
        joinsOk.incrementAndGet();
      }
    } catch (RuntimeException e) {
      joinsFailed.add("join " + n + " at " + target + ": " + e);
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  /** Signals sent and not (yet) delivered, over all pairs. */
  long undelivered() {
    long missing = 0;
    for (Peer[] pair : pairs) {
      missing += pair[0].sent.get() - pair[1].receivedFrom(pair[0]) + pair[1].sent.get() - pair[0].receivedFrom(pair[1]);
    }
    return missing;
  }

  long signalsSent() {
    return pairs.stream().mapToLong(p -> p[0].sent.get() + p[1].sent.get()).sum();
  }

  /** Pairs whose both peers are connected (not resuming). */
  boolean allConnected() {
    return pairs.stream().allMatch(p -> p[0].connected() && p[1].connected());
  }

  /** The latest delivery, over all directions, of the first signal sent after {@code sinceNanos}: recovery. */
  long recoveredAfterMillis(long sinceNanos) {
    long worst = 0;
    for (Peer[] pair : pairs) {
      for (Peer p : pair) {
        Long at = p.firstDeliveryOfSignalSentAfter(sinceNanos);
        if (at == null) {
          return -1;
        }
        worst = Math.max(worst, (at - sinceNanos) / 1_000_000);
      }
    }
    return worst;
  }

  /** Peer ids of the pairs' peers whose room told them a partner left: a lost session. */
  List<String> peerLeftSeen() {
    List<String> out = new ArrayList<>();
    for (Peer[] pair : pairs) {
      for (Peer p : pair) {
        out.addAll(p.peerLeft);
      }
    }
    return out;
  }

  String summary() {
    List<Long> r = new ArrayList<>(resumeMillis);
    r.sort(Long::compare);
    return "joins ok " + joinsOk.get() + ", failed " + joinsFailed.size() + "; resumes ok " + resumesOk.get()
        + (r.isEmpty() ? "" : " (median " + r.get(r.size() / 2) + " ms, max " + r.get(r.size() - 1) + " ms)")
        + ", sessions lost " + sessionsLost.size() + "; signals sent " + signalsSent() + ", undelivered "
        + undelivered();
  }

  /** The summary with every failure spelt out. */
  String details() {
    return summary() + "\n  joins failed: " + joinsFailed + "\n  sessions lost: " + sessionsLost
        + "\n  peer-left seen: " + peerLeftSeen() + "\n  missing signals: " + missingSignals()
        + "\n  errors seen by the pairs: " + pairErrors();
  }

  /** Per direction, the numbers of the signals sent and not received, with when each was sent. */
  private List<String> missingSignals() {
    List<String> out = new ArrayList<>();
    for (Peer[] pair : pairs) {
      for (int i = 0; i < 2; i++) {
        Peer from = pair[i];
        Peer to = pair[1 - i];
        java.util.Set<Long> got = from.peerId == null ? java.util.Set.of()
            : to.distinct.getOrDefault(from.peerId, java.util.Set.of());
        for (long n = 1; n <= from.sent.get(); n++) {
          if (!got.contains(n)) {
            Long at = from.sentAt.get(n);
            out.add(from.name + "->" + to.name + " #" + n + (at == null ? "" : " sent "
                + (System.nanoTime() - at) / 1_000_000 + " ms ago"));
          }
        }
      }
    }
    return out;
  }

  private List<String> pairErrors() {
    List<String> out = new ArrayList<>();
    for (Peer[] pair : pairs) {
      for (Peer p : pair) {
        p.errors.forEach(e -> out.add(p.name + ": " + e));
      }
    }
    return out;
  }

  @Override
  public void close() {
    running = false;
    timer.shutdownNow();
    resumers.shutdownNow();
    for (Peer[] pair : pairs) {
      pair[0].close();
      pair[1].close();
    }
  }

  /** One peer of a pair: keeps its session across connections. */
  private final class Peer {
    final String name;
    volatile String peerId;
    volatile String sessionToken;
    volatile long lastSeq;
    volatile Connection connection;
    volatile boolean resuming;
    final AtomicLong sent = new AtomicLong();
    final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
    final Map<String, java.util.Set<Long>> distinct = new ConcurrentHashMap<>();
    final List<long[]> deliveries = new CopyOnWriteArrayList<>();
    final List<String> peerLeft = new CopyOnWriteArrayList<>();
    final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    volatile Peer partner;

    Peer(String name) {
      this.name = name;
    }

    void join(String room) {
      InetSocketAddress target = service.get();
      if (target == null) {
        throw new AssertionError("the signaling Service has no ready endpoint");
      }
      connection = new Connection(target, this::onMessage, this::onClosed);
      connection.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"displayName\":\"" + name + "\"}");
      JsonNode w = connection.await("welcome", Duration.ofSeconds(15));
      if (w == null) {
        throw new AssertionError(name + " could not join " + room + " at " + target + ": " + connection.lastError());
      }
      peerId = w.path("peerId").asText();
      sessionToken = w.path("sessionToken").asText();
    }

    boolean connected() {
      return !resuming && connection != null && connection.open();
    }

    void signal(Peer to) {
      Connection c = connection;
      if (resuming || c == null || !c.open() || to.peerId == null) {
        return;
      }
      long n = sent.incrementAndGet();
      sentAt.put(n, System.nanoTime());
      try {
        c.send("{\"type\":\"signal\",\"to\":\"" + to.peerId + "\",\"data\":{\"n\":" + n + ",\"at\":" + System.nanoTime()
            + "}}");
      } catch (RuntimeException e) {
        sent.decrementAndGet();
      }
    }

    long receivedFrom(Peer p) {
      return p.peerId == null ? 0 : distinct.getOrDefault(p.peerId, java.util.Set.of()).size();
    }

    Long firstDeliveryOfSignalSentAfter(long since) {
      return deliveries.stream().filter(d -> d[0] > since).map(d -> d[1]).min(Long::compare).orElse(null);
    }

    private void onMessage(JsonNode m) {
      String type = m.path("type").asText();
      if (type.equals("signal")) {
        lastSeq = Math.max(lastSeq, m.path("seq").asLong());
        String from = m.path("from").asText();
        received.computeIfAbsent(from, k -> new AtomicLong()).incrementAndGet();
        distinct.computeIfAbsent(from, k -> ConcurrentHashMap.newKeySet()).add(m.at("/data/n").asLong());
        deliveries.add(new long[] {m.at("/data/at").asLong(), System.nanoTime()});
      } else if (type.equals("error")) {
        errors.add(m.toString());
      } else if (type.equals("peer-left") && partner != null && m.path("peerId").asText().equals(partner.peerId)) {
        // Newcomers come and go; only the partner leaving means a lost session.
        peerLeft.add(name + " saw its partner " + partner.name + " leave");
      }
    }

    private void onClosed(int code) {
      if (!running || resuming) {
        return;
      }
      resuming = true;
      long started = System.nanoTime();
      CompletableFuture.runAsync(() -> resume(started), resumers);
    }

    private void resume(long started) {
      long deadline = started + RESUME_GRACE.toNanos();
      String lastProblem = "no attempt";
      while (running && System.nanoTime() < deadline) {
        InetSocketAddress target = service.get();
        if (target == null) {
          lastProblem = "no ready endpoint";
          SimulatedCluster.sleep(250);
          continue;
        }
        Connection c;
        try {
          c = new Connection(target, this::onMessage, this::onClosed);
        } catch (RuntimeException e) {
          lastProblem = "connect " + target + ": " + e.getMessage();
          SimulatedCluster.sleep(250);
          continue;
        }
        c.send("{\"type\":\"resume\",\"sessionToken\":\"" + sessionToken + "\",\"lastSeq\":" + lastSeq + "}");
        JsonNode w = c.await("welcome", Duration.ofSeconds(10));
        if (w != null && w.path("resumed").asBoolean() && peerId.equals(w.path("peerId").asText())) {
          connection = c;
          resuming = false;
          resumesOk.incrementAndGet();
          resumeMillis.add((System.nanoTime() - started) / 1_000_000);
          if (!c.open()) {
            onClosed(-1);
          }
          return;
        }
        lastProblem = "resume at " + target + ": " + (w == null ? c.lastError() : w.toString());
        c.close();
        if (c.lastError().contains("unauthorized")) {
          break;
        }
        SimulatedCluster.sleep(250);
      }
      if (running) {
        sessionsLost.add(name + " (" + peerId + "): " + lastProblem);
      }
    }

    void close() {
      Connection c = connection;
      if (c != null) {
        c.close();
      }
    }
  }

  /** One WebSocket to one endpoint. */
  private static final class Connection {
    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private volatile boolean open = true;
    private volatile String lastError = "";

    Connection(InetSocketAddress target, java.util.function.Consumer<JsonNode> listener,
        java.util.function.IntConsumer onClose) {
      // 10 s for the opening handshake: browsers wait longer still; a JVM just made ready on 2 shared cores may
      // take seconds for its first connections.
      socket = Net.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create("ws://" + target.getHostString() + ":" + target.getPort() + "/v1/ws"),
              new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                  text.append(data);
                  if (last) {
                    try {
                      JsonNode m = JSON.readTree(text.toString());
                      if (m.path("type").asText().equals("error")) {
                        lastError = m.toString();
                      }
                      inbox.add(m);
                      listener.accept(m);
                    } catch (Exception e) {
                      lastError = "unparseable: " + text;
                    }
                    text.setLength(0);
                  }
                  ws.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                  open = false;
                  lastError = lastError.isEmpty() ? "closed " + statusCode + " " + reason : lastError;
                  onClose.accept(statusCode);
                  return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                  open = false;
                  lastError = lastError.isEmpty() ? String.valueOf(error) : lastError;
                  onClose.accept(-1);
                }
              }).orTimeout(12, TimeUnit.SECONDS).join();
    }

    boolean open() {
      return open;
    }

    String lastError() {
      return lastError;
    }

    void send(String json) {
      socket.sendText(json, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    JsonNode await(String type, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (System.nanoTime() < deadline) {
          JsonNode m = inbox.poll(100, TimeUnit.MILLISECONDS);
          if (m != null && type.equals(m.path("type").asText())) {
            return m;
          }
          if (m != null && m.path("type").asText().equals("error")) {
            return null;
          }
          if (!open && inbox.isEmpty()) {
            return null;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }

    void close() {
      if (open) {
        open = false;
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
      }
      socket.abort();
    }
  }
}
