package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one node's signaling WebSocket: warm-up, live heap with no sessions, N sessions connect and join rooms at
 * a paced rate (join latency), live heap with the N sessions idle, then timestamped signals at each requested
 * aggregate rate (one-way relay latency), and finally every session leaves. Progress goes to standard output every
 * 2 s; results as Markdown table rows. Every phase is bounded in count and time, and a watchdog ends the run after
 * {@code --max-seconds}.
 */
public final class SignalingLoadGenerator {
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int MAX_HANDSHAKES_IN_FLIGHT = 256;
  private static final Duration DRAIN = Duration.ofSeconds(5);
  private static final String WARMUP = "warmup";

  private final LoadSettings settings;
  private final long startNanos = System.nanoTime();
  private final ErrorTally errors = new ErrorTally(startNanos);
  private final Measurements measurements = new Measurements(errors);
  private final HttpClient http;
  /** The clients the sessions' WebSockets are spread over ({@code --http-clients}); the first is {@link #http}. */
  private final List<HttpClient> clients = new ArrayList<>();
  private final Optional<NodeProbe> node;
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  private final RunReport report = new RunReport();
  private String currentPhase = "setup";
  private PhaseStart phaseStart;

  /** What a phase's cost is measured from. */
  private record PhaseStart(String name, long nanos, CpuTicks cpu, double[] gc) {}

  /** A session and the peer it signals: the next member of its room. */
  private record Pair(LoadSession from, String toPeerId) {}

  private SignalingLoadGenerator(LoadSettings settings, ExecutorService callbacks) {
    this.settings = settings;
    for (int i = 0; i < settings.httpClients(); i++) {
      clients.add(HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(10)).build());
    }
    this.http = clients.get(0);
    this.node = settings.metrics().map(uri -> new NodeProbe(http, uri, settings.nodePid()));
  }

  public static void main(String[] args) {
    LoadSettings settings;
    try {
      settings = LoadSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(LoadSettings.USAGE);
      System.exit(64);
      return;
    }
    startWatchdog(settings.maxRunTime());
    AtomicInteger threads = new AtomicInteger();
    ExecutorService callbacks = Executors.newFixedThreadPool(settings.clientThreads(), r -> {
      Thread t = new Thread(r, "loadgen-ws-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    int code;
    try {
      code = new SignalingLoadGenerator(settings, callbacks).run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    log("target %s; %d sessions in rooms of %d; connects %d/s, joins %d/s; signal rates %s msg/s, %d s each",
        settings.webSocket(), settings.sessions(), settings.roomSize(), settings.connectRate(), settings.joinRate(),
        settings.signalRates(), settings.signalDuration().toSeconds());
    Map<String, Double> serverErrorsBefore = serverErrors();

    if (settings.warmupSessions() > 0) {
      phase(WARMUP);
      List<LoadSession> warm = connect(settings.warmupSessions());
      join(warm);
      relay(pairs(warm), 500, Duration.ofSeconds(3));
      leaveAll(warm);
    }

    boolean heap = settings.measureHeap() && node.map(NodeProbe::canMeasureHeap).orElse(false);
    long baseline = 0;
    if (heap) {
      phase("heap, 0 sessions");
      log("node before baseline: %s", node.get().awaitGauges(0, 0, Duration.ofSeconds(40)));
      baseline = node.get().liveHeapAfterGc();
      log("live heap after GC, 0 sessions: %s", ReportRows.mib(baseline));
    }

    phase("connect");
    List<LoadSession> sessions = connect(settings.sessions());
    phase("join");
    List<LoadSession> joined = join(sessions);

    if (heap) {
      phase("heap, idle sessions");
      Thread.sleep(2000);
      log("node with sessions idle: %s", node.get().awaitGauges(sessions.size(),
          Math.ceil((double) sessions.size() / settings.roomSize()), Duration.ofSeconds(20)));
      long loaded = node.get().liveHeapAfterGc();
      log("live heap after GC, %d idle sessions: %s → %s per session", joined.size(), ReportRows.mib(loaded),
          ReportRows.grouped(Math.round((double) (loaded - baseline) / joined.size())) + " B");
      report.heap(ReportRows.heap(joined.size(), baseline, loaded));
    }
    if (!settings.hold().isZero()) {
      phase("hold");
      hold(joined);
    }

    List<Pair> pairs = pairs(joined);
    for (int rate : settings.signalRates()) {
      phase("relay " + rate + "/s");
      relay(pairs, rate, settings.signalDuration());
    }

    phase("leave");
    leaveAll(sessions);

    finish(serverErrorsBefore);
    return 0;
  }

  // ---------------------------------------------------------------- phases

  private List<LoadSession> connect(int n) throws InterruptedException {
    LoadSession[] connected = new LoadSession[n];
    Recorder handshakes = new Recorder(60_000_000L, 3);
    Semaphore inFlight = new Semaphore(MAX_HANDSHAKES_IN_FLIGHT);
    List<CompletableFuture<?>> pending = new ArrayList<>(n);
    Pacer.Outcome o = Pacer.run(n, settings.connectRate(), deadline(n, settings.connectRate()), i -> {
      try {
        if (!inFlight.tryAcquire(10, TimeUnit.SECONDS)) {
          errors.record("connect-stalled");
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      LoadSession s = new LoadSession((int) i, measurements);
      long t0 = System.nanoTime();
      pending.add(s.connect(clients.get((int) (i % clients.size())), nodeFor(i)).whenComplete((ok, failure) -> {
        inFlight.release();
        if (failure == null) {
          handshakes.recordValue(Math.min(60_000_000L, (System.nanoTime() - t0) / 1000));
          connected[(int) i] = s;
        } else {
          errors.record("connect-failed:" + LoadSession.rootCause(failure).getClass().getSimpleName());
        }
      }));
    }, PROGRESS_EVERY_NANOS, (issued, elapsed) -> log("connecting: %d started, %d in flight", issued,
        MAX_HANDSHAKES_IN_FLIGHT - inFlight.availablePermits()));
    await(pending, Duration.ofSeconds(30));
    List<LoadSession> out = new ArrayList<>(n);
    for (LoadSession s : connected) {
      if (s != null) {
        out.add(s);
      }
    }
    LatencySummary s = LatencySummary.of(handshakes.getIntervalHistogram());
    log("connected %d/%d at %.0f/s (max lag %s ms): handshake %s", out.size(), n, o.perSecond(),
        LatencySummary.millis(o.maxLagMicros()), s.line());
    if (measuring()) {
      report.latency(ReportRows.latency("WebSocket handshake", load(ReportRows.grouped(n) + " connections"),
          settings.connectRate() + "/s", s, String.format(Locale.ROOT, "%.0f/s, %d/%d connected",
              o.perSecond(), out.size(), n), errors.brief(currentPhase)));
    }
    return out;
  }

  /** Joins each session to room {@code index / roomSize}, paced; the sessions that got a {@code welcome}. */
  private List<LoadSession> join(List<LoadSession> sessions) throws InterruptedException {
    String prefix = (measuring() ? "m-" : "w-") + runId + "-";
    measurements.joinInterval();
    Histogram total = LatencySummary.newHistogram();
    Pacer.Outcome o = Pacer.run(sessions.size(), settings.joinRate(),
        deadline(sessions.size(), settings.joinRate()),
        i -> {
          LoadSession s = sessions.get((int) i);
          s.join(prefix + s.index / settings.roomSize());
        },
        PROGRESS_EVERY_NANOS, (issued, elapsed) -> {
          Histogram interval = measurements.joinInterval();
          total.add(interval);
          log("joining: %d sent, last 2 s %s, errors %s", issued, LatencySummary.of(interval).line(),
              errors.brief(currentPhase));
        });
    await(sessions.stream().map(LoadSession::welcome).toList(), Duration.ofSeconds(15));
    total.add(measurements.joinInterval());
    List<LoadSession> joined = sessions.stream().filter(s -> s.peerId() != null).toList();
    LatencySummary s = LatencySummary.of(total);
    log("joined %d/%d at %.0f/s (max lag %s ms): join→welcome %s", joined.size(), sessions.size(), o.perSecond(),
        LatencySummary.millis(o.maxLagMicros()), s.line());
    if (measuring()) {
      report.latency(ReportRows.latency("join → welcome",
          load(ReportRows.grouped(sessions.size()) + " sessions, rooms of " + settings.roomSize()),
          settings.joinRate() + " joins/s", s,
          String.format(Locale.ROOT, "%.0f joins/s, %d/%d welcomed", o.perSecond(), joined.size(), sessions.size()),
          errors.brief(currentPhase)));
    }
    return joined;
  }

  /** Each joined session signals the next member of its room, round robin, at {@code rate} in total. */
  private void relay(List<Pair> pairs, int rate, Duration duration) throws InterruptedException {
    if (pairs.isEmpty()) {
      log("no session has a peer to signal; skipped");
      return;
    }
    long deliveredBefore = measurements.signalsDelivered();
    measurements.signalInterval();
    Histogram total = LatencySummary.newHistogram();
    String padding = SignalPayload.padding(settings.payloadBytes());
    long count = rate * duration.toSeconds();
    long deadline = System.nanoTime() + duration.toNanos() * 3 / 2 + TimeUnit.SECONDS.toNanos(5);
    Pacer.Outcome o = Pacer.run(count, rate, deadline,
        i -> {
          Pair p = pairs.get((int) (i % pairs.size()));
          p.from().signal(p.toPeerId(), i, padding);
        },
        PROGRESS_EVERY_NANOS, (issued, elapsed) -> {
          Histogram interval = measurements.signalInterval();
          total.add(interval);
          log("relay %d/s: %d sent, %d delivered, last 2 s %s, errors %s", rate, issued,
              measurements.signalsDelivered() - deliveredBefore, LatencySummary.of(interval).line(),
              errors.brief(currentPhase));
        });
    long drainEnd = System.nanoTime() + DRAIN.toNanos();
    while (measurements.signalsDelivered() - deliveredBefore < o.issued() && System.nanoTime() < drainEnd) {
      Thread.sleep(20);
    }
    total.add(measurements.signalInterval());
    long delivered = measurements.signalsDelivered() - deliveredBefore;
    LatencySummary s = LatencySummary.of(total);
    log("relay %d/s: sent %d at %.0f/s (max lag %s ms), delivered %d: one-way %s", rate, o.issued(),
        o.perSecond(), LatencySummary.millis(o.maxLagMicros()), delivered, s.line());
    if (measuring()) {
      report.latency(ReportRows.latency("signal relay (one-way)",
          load(ReportRows.grouped(pairs.size()) + " sessions, rooms of " + settings.roomSize()),
          ReportRows.grouped(rate) + " msg/s for " + duration.toSeconds() + " s", s,
          String.format(Locale.ROOT, "%s msg/s sent, %s/%s delivered", ReportRows.grouped(Math.round(o.perSecond())),
              ReportRows.grouped(delivered), ReportRows.grouped(o.issued())),
          errors.brief(currentPhase)));
    }
  }

  /**
   * Keeps the sessions open and idle for {@code --hold-seconds}, logging every 10 s how many are still open on
   * the client side, the node's gauges and the client's errors; a session the node closed is a drop.
   */
  private void hold(List<LoadSession> sessions) throws InterruptedException {
    log("holding %d idle sessions for %d s", sessions.size(), settings.hold().toSeconds());
    long end = System.nanoTime() + settings.hold().toNanos();
    long open = sessions.size();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(10_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      open = sessions.stream().filter(LoadSession::open).count();
      String gauges;
      try {
        gauges = node.isPresent() ? node.get().gauges().toString() : "no metrics";
      } catch (IOException e) {
        gauges = "metrics unreadable: " + e;
      }
      log("holding: %d/%d open; node %s; errors %s", open, sessions.size(), gauges, errors.brief(currentPhase));
    }
    log("held %d/%d sessions open for %d s", open, sessions.size(), settings.hold().toSeconds());
  }

  private void leaveAll(List<LoadSession> sessions) throws InterruptedException {
    List<CompletableFuture<Void>> closing = new ArrayList<>(sessions.size());
    for (int i = 0; i < sessions.size(); i++) {
      closing.add(sessions.get(i).leaveAndClose());
      if (i % 500 == 499) {
        Thread.sleep(100); // a thousand closes at once are a burst of their own
      }
    }
    long open = await(closing, Duration.ofSeconds(20));
    log("left and closed %d sessions%s", sessions.size() - open, open == 0 ? "" : " (" + open + " did not close)");
  }

  // ---------------------------------------------------------------- helpers

  private List<Pair> pairs(List<LoadSession> joined) {
    Map<Integer, List<LoadSession>> rooms = new LinkedHashMap<>();
    for (LoadSession s : joined) {
      rooms.computeIfAbsent(s.index / settings.roomSize(), k -> new ArrayList<>()).add(s);
    }
    List<Pair> out = new ArrayList<>();
    for (List<LoadSession> members : rooms.values()) {
      if (members.size() < 2) {
        continue;
      }
      for (int k = 0; k < members.size(); k++) {
        out.add(new Pair(members.get(k), members.get((k + 1) % members.size()).peerId()));
      }
    }
    return out;
  }


  /** Whether the current phase's figures go into the report (the warm-up's do not). */
  private boolean measuring() {
    return !currentPhase.equals(WARMUP);
  }

  private void phase(String name) {
    endPhase();
    currentPhase = name;
    errors.phase(name);
    log("== %s", name);
    phaseStart = new PhaseStart(name, System.nanoTime(), CpuTicks.sample(settings.nodePid()), gcPauses());
  }

  /** Logs where the CPU went during the phase that is ending, and keeps a row for the measured ones. */
  private void endPhase() {
    if (phaseStart == null) {
      return;
    }
    double wall = (System.nanoTime() - phaseStart.nanos()) / 1e9;
    CpuTicks cpu = CpuTicks.sample(settings.nodePid()).minus(phaseStart.cpu());
    double[] gc = gcPauses();
    long pauses = Math.round(gc[0] - phaseStart.gc()[0]);
    double pauseSeconds = gc[1] - phaseStart.gc()[1];
    String row = ReportRows.cpu(load(phaseStart.name() + ", " + ReportRows.grouped(settings.sessions()) + " sessions"),
        wall, cpu, pauses, pauseSeconds);
    log("cost %s", row);
    String n = phaseStart.name();
    if (n.equals("connect") || n.equals("join") || n.startsWith("relay")) {
      report.cpu(row);
    }
    phaseStart = null;
  }

  /** The Load column: what was offered, and the run's label if it has one. */
  private String load(String what) {
    return settings.label().isEmpty() ? what : what + ", " + settings.label();
  }

  private double[] gcPauses() {
    try {
      return node.isPresent() ? node.get().gcPauses() : new double[2];
    } catch (IOException | InterruptedException e) {
      return new double[2];
    }
  }

  /** Room for pacing {@code n} actions at {@code rate}: twice the planned time, plus 30 s. */
  private static long deadline(long n, int rate) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(n * 2000L / rate) + TimeUnit.SECONDS.toNanos(30);
  }

  /** Waits for the futures up to {@code limit} in total; how many had not completed. */
  private static long await(List<? extends CompletableFuture<?>> futures, Duration limit)
      throws InterruptedException {
    try {
      CompletableFuture.allOf(futures.stream().map(f -> f.exceptionally(t -> null))
          .toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      // counted below
    }
    return futures.stream().filter(f -> !f.isDone()).count();
  }

  private Map<String, Double> serverErrors() {
    try {
      return node.isPresent() ? node.get().serverErrors() : Map.of();
    } catch (IOException | InterruptedException e) {
      log("could not read the node's metrics: %s", e);
      return Map.of();
    }
  }

  private void finish(Map<String, Double> serverErrorsBefore) throws IOException {
    endPhase();
    log("== results");
    Map<String, Double> after = serverErrors();
    after.forEach((labels, v) -> {
      double d = v - serverErrorsBefore.getOrDefault(labels, 0.0);
      if (d > 0) {
        log("node counted greenmesh_signaling_errors_total{%s} +%.0f", labels, d);
      }
    });
    List<String> lines = errors.lines();
    log(lines.isEmpty() ? "client saw no errors" : "client saw:");
    lines.forEach(l -> System.out.println("  " + l));
    report.print(System.out);
    if (settings.reportDir().isPresent()) {
      report.appendTo(settings.reportDir().get());
    }
  }

  private void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[+%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9,
        String.format(Locale.ROOT, format, args));
  }

  private static void startWatchdog(Duration limit) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(limit.toMillis());
        System.err.println("load generator: exceeded --max-seconds " + limit.toSeconds() + ", stopping");
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "loadgen-watchdog");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Session i's node: the first, or spread over the cluster's nodes with --also-ports; and with --hosts, spread
   * over the node's addresses.
   */
  private URI nodeFor(long i) {
    int nodes = 1 + settings.otherNodes().size();
    int k = (int) (i % nodes);
    URI uri = k == 0 ? settings.webSocket() : settings.otherNodes().get(k - 1);
    List<String> hosts = settings.hosts();
    if (hosts.isEmpty()) {
      return uri;
    }
    String host = hosts.get((int) ((i / nodes) % hosts.size()));
    try {
      return new URI(uri.getScheme(), uri.getUserInfo(), host, uri.getPort(), uri.getPath(), uri.getQuery(), null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("bad --hosts entry " + host, e);
    }
  }
}
