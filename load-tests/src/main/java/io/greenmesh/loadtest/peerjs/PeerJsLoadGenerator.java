package io.greenmesh.loadtest.peerjs;

import io.greenmesh.loadtest.signaling.CpuTicks;
import io.greenmesh.loadtest.signaling.LatencySummary;
import io.greenmesh.loadtest.signaling.Pacer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives any PeerJS server with the same PeerJS-protocol workload: N peers open the signaling socket ({@code
 * {url}/peerjs?key=&id=&token=&version=}), wait for {@code OPEN} and send {@code HEARTBEAT} every 5 s, as the
 * PeerJS client does; peers are paired, and at each offered aggregate rate ({@link Workload}) they send each other
 * timestamped {@code CANDIDATE}s and, one in ten, {@code OFFER}/{@code ANSWER}s with a 3 KB SDP. The receiver
 * records the one-way latency; each step also records what was sent and delivered, errors, and the server's CPU
 * from /proc/PID/stat. Stepping stops after a step whose p99 exceeds {@code --stop-p99-ms} or that had any error
 * or lost message. Given two servers, it drives both from one process with one set of peers each, and runs each rate
 * on one and then the other (the order alternating from rate to rate), so that the load other processes put on a
 * shared machine falls on both alike. One line per step is appended to {@code --out} ({@link StepResult}).
 */
public final class PeerJsLoadGenerator {
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final int MAX_HANDSHAKES_IN_FLIGHT = 64;
  private static final long HEARTBEAT_SECONDS = 5;

  static final String USAGE = """
      java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.peerjs.PeerJsLoadGenerator --url WS_URL [options]
        --url URL[,URL2]     the server's PeerJS path as a WebSocket URL: ws://127.0.0.1:9000/ for a PeerJS server
                             started with --path /, ws://127.0.0.1:8080/peerjs for GreenMesh; with two, each rate
                             is run on both back to back, the order alternating from rate to rate
        --server NAME[,NAME2]  names in the results, e.g. GreenMesh,PeerJS (default server)
        --server-pid PID[,PID2]  the servers' process ids, for their CPU (from /proc/PID/stat)
        --key KEY            PeerJS key (default peerjs)
        --peers N            peers, an even number, in pairs (default 1000)
        --connect-rate N     sockets opened per second (default 250)
        --rates A,B,...      offered aggregate rates in messages/s, in order (default 500,1000,2000,4000,8000)
        --step-seconds S     seconds per rate (default 15)
        --warmup-seconds S   unmeasured load at --warmup-rate first (default 10; 0 for none)
        --warmup-rate N      messages/s of the warm-up (default 1000)
        --sdp-every N        one message in N is an OFFER or ANSWER, the rest CANDIDATEs (default 10)
        --stop-p99-ms MS     no higher rate after a step with a p99 above this (default 100)
        --drain-seconds S    after a step, wait up to this long for its messages to arrive (default 5)
        --out FILE           append one tab-separated line per measured step, as each step ends
        --max-seconds S      hard limit on the whole run (default 280)
      """;

  private static final Set<String> OPTIONS = Set.of("url", "server", "server-pid", "key", "peers", "connect-rate",
      "rates", "step-seconds", "warmup-seconds", "warmup-rate", "sdp-every", "stop-p99-ms", "drain-seconds", "out",
      "max-seconds");

  private final Map<String, String> options;
  private final List<Target> targets = new ArrayList<>();
  private final Workload workload;
  private final List<Integer> rates;
  private final long startNanos = System.nanoTime();
  private final HttpClient http;
  private final ScheduledExecutorService heartbeats;

  /** A server under test: its peers, what they observed, and whether it is still being stepped up. */
  private final class Target {
    final String name;
    final String url;
    final OptionalLong pid;
    final PeerJsMeasurements measurements = new PeerJsMeasurements(rates.size() + 1);
    List<PeerJsPeer> peers = List.of();
    final String[] connectionIds = new String[workload.peers() / 2];
    boolean stepping = true;

    Target(String name, String url, OptionalLong pid) {
      this.name = name;
      this.url = url;
      this.pid = pid;
      Random random = Workload.newRandom();
      for (int i = 0; i < connectionIds.length; i++) {
        connectionIds[i] = "dc_" + Workload.token(random);
      }
    }
  }

  private PeerJsLoadGenerator(Map<String, String> options, ExecutorService callbacks) {
    this.options = options;
    this.workload = new Workload(intOption("peers", 1000), intOption("sdp-every", 10));
    this.rates = Workload.rates(options.getOrDefault("rates", "500,1000,2000,4000,8000"));
    String[] urls = options.get("url").split(",");
    String[] names = options.getOrDefault("server", "server").split(",");
    String[] pids = options.getOrDefault("server-pid", "").split(",");
    if (urls.length > 2 || names.length != urls.length || (!pids[0].isEmpty() && pids.length != urls.length)) {
      throw new IllegalArgumentException("--url, --server and --server-pid need one value per server (at most 2)");
    }
    for (int i = 0; i < urls.length; i++) {
      targets.add(new Target(names[i], urls[i], pids[0].isEmpty() ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(pids[i]))));
    }
    this.http = HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(10)).build();
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("peerjs-heartbeat"));
  }

  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String name = args[i].startsWith("--") ? args[i].substring(2) : "";
        if (!OPTIONS.contains(name) || i + 1 >= args.length) {
          throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
        }
        options.put(name, args[++i]);
      }
      if (!options.containsKey("url")) {
        throw new IllegalArgumentException("--url is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(64);
      return;
    }
    long maxSeconds = Long.parseLong(options.getOrDefault("max-seconds", "280"));
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
        System.out.println("[peerjs-loadgen] --max-seconds " + maxSeconds + " reached; stopping");
        Runtime.getRuntime().halt(2);
      } catch (InterruptedException ignored) {
        // the run finished
      }
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("peerjs-ws"));
    int code;
    try {
      code = new PeerJsLoadGenerator(options, callbacks).run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    String runId = Workload.runId(Workload.newRandom());
    log("%d peers in %d pairs per server; rates %s msg/s, %s s each; one message in %d an OFFER/ANSWER of %d B SDP",
        workload.peers(), workload.peers() / 2, rates, options.getOrDefault("step-seconds", "15"),
        workload.sdpEvery(), PeerJsFrames.SDP_BYTES);
    for (Target t : targets) {
      log("%s at %s (pid %s)", t.name, t.url, t.pid.isPresent() ? t.pid.getAsLong() : "unknown");
      t.peers = connect(t, runId);
      if (t.peers.size() != workload.peers()) {
        log("%s: only %d of %d peers got OPEN; errors %s", t.name, t.peers.size(), workload.peers(),
            t.measurements.errorsByKind());
        targets.forEach(x -> closeAll(x.peers));
        return 1;
      }
      for (PeerJsPeer p : t.peers) {
        long delay = ThreadLocalRandom.current().nextLong(TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS));
        heartbeats.scheduleAtFixedRate(p::heartbeat, delay, TimeUnit.SECONDS.toMillis(HEARTBEAT_SECONDS),
            TimeUnit.MILLISECONDS);
      }
    }

    int warmupSeconds = intOption("warmup-seconds", 10);
    if (warmupSeconds > 0) {
      for (Target t : targets) {
        log("warm-up done: %s", describe(step(t, 0, intOption("warmup-rate", 1000), warmupSeconds)));
      }
    }
    long stopP99 = TimeUnit.MILLISECONDS.toMicros(intOption("stop-p99-ms", 100));
    for (int k = 0; k < rates.size(); k++) {
      // With two servers, each rate is measured on both back to back, the order alternating from rate to rate, so
      // that what else the machine is doing weighs on both alike.
      List<Target> order = new ArrayList<>(targets);
      if (k % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (Target t : order) {
        if (!t.stepping) {
          continue;
        }
        StepResult r = step(t, k + 1, rates.get(k), intOption("step-seconds", 15));
        log("RESULT %s", describe(r));
        if (options.containsKey("out")) { // at once, so that a run cut short keeps its steps
          Files.write(Path.of(options.get("out")), List.of(r.toTsv()), StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        if (!Workload.keepStepping(r.latency().p99Micros(), r.errors(), r.sent(), r.delivered(), stopP99)) {
          log("%s: no higher rate: p99 %s ms (limit %s), errors %d, delivered %d/%d", t.name,
              LatencySummary.millis(r.latency().p99Micros()), LatencySummary.millis(stopP99), r.errors(),
              r.delivered(), r.sent());
          t.stepping = false;
        }
      }
    }
    heartbeats.shutdownNow();
    for (Target t : targets) {
      t.measurements.currentStep(0);
      closeAll(t.peers);
      log("%s: errors over the run: %s", t.name,
          t.measurements.errorsByKind().isEmpty() ? "none" : t.measurements.errorsByKind());
    }
    return 0;
  }

  private List<PeerJsPeer> connect(Target target, String runId) throws InterruptedException {
    PeerJsMeasurements measurements = target.measurements;
    int n = workload.peers();
    Random random = Workload.newRandom();
    String key = options.getOrDefault("key", "peerjs");
    PeerJsPeer[] opened = new PeerJsPeer[n];
    Recorder toOpen = new Recorder(60_000_000L, 3);
    Semaphore inFlight = new Semaphore(MAX_HANDSHAKES_IN_FLIGHT);
    List<CompletableFuture<?>> pending = new ArrayList<>(n);
    int rate = intOption("connect-rate", 250);
    Pacer.Outcome o = Pacer.run(n, rate, System.nanoTime() + TimeUnit.SECONDS.toNanos(n / rate + 30), i -> {
      try {
        if (!inFlight.tryAcquire(10, TimeUnit.SECONDS)) {
          measurements.error("connect-stalled");
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      int index = (int) i;
      String id = Workload.peerId(runId, index);
      PeerJsPeer p = new PeerJsPeer(index, id, Workload.peerId(runId, Workload.partner(index)), measurements);
      pending.add(p.connect(http, PeerJsFrames.socketUri(target.url, key, id, Workload.token(random)))
          .orTimeout(20, TimeUnit.SECONDS)
          .whenComplete((nanos, failure) -> {
            inFlight.release();
            if (failure == null) {
              toOpen.recordValue(Math.min(60_000_000L, nanos / 1000));
              opened[index] = p;
            } else if (failure instanceof java.util.concurrent.TimeoutException) {
              measurements.error("no-OPEN-within-20s");
            }
          }));
    }, PROGRESS_EVERY_NANOS, (issued, elapsed) -> log("connecting: %d started", issued));
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (Exception someFailed) {
      // counted per peer
    }
    List<PeerJsPeer> out = new ArrayList<>(n);
    for (PeerJsPeer p : opened) {
      if (p != null) {
        out.add(p);
      }
    }
    log("%s: %d/%d peers got OPEN, %.0f handshakes/s; handshake → OPEN %s", target.name, out.size(), n,
        o.perSecond(),
        LatencySummary.of(toOpen.getIntervalHistogram()).line());
    return out;
  }

  /** One rate for {@code seconds}: paced sends, then a bounded wait for the step's messages to arrive. */
  private StepResult step(Target target, int stepIndex, int rate, int seconds) throws InterruptedException {
    String name = target.name + (stepIndex == 0 ? " warm-up" : " step " + stepIndex);
    String loadAverage = loadAverage();
    log("%s: %d msg/s for %d s (load average %s)", name, rate, seconds, loadAverage);
    PeerJsMeasurements measurements = target.measurements;
    List<PeerJsPeer> peers = target.peers;
    measurements.currentStep(stepIndex);
    measurements.progressInterval();
    PeerJsMeasurements.Step stats = measurements.step(stepIndex);
    long errorsBefore = measurements.errorCount();
    OptionalLong idlePid = targets.stream().filter(t -> t != target).findFirst().map(t -> t.pid)
        .orElse(OptionalLong.empty());
    CpuTicks cpuBefore = CpuTicks.sample(target.pid);
    CpuTicks idleBefore = CpuTicks.sample(idlePid);
    long count = (long) rate * seconds;
    Pacer.Outcome o = Pacer.run(count, rate, System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 5), i -> {
      Workload.Message m = workload.message(i);
      peers.get(m.sender()).send(PeerJsFrames.message(m.kind(), peers.get(m.receiver()).id,
          target.connectionIds[m.sender() / 2], System.nanoTime(), stepIndex));
    }, PROGRESS_EVERY_NANOS, (issued, elapsed) -> {
      stats.collect();
      log("%s: %d sent, %d delivered; last 3 s %s; errors %d", name, issued, stats.delivered.sum(),
          LatencySummary.of(measurements.progressInterval()).line(), measurements.errorCount() - errorsBefore);
    });
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOption("drain-seconds", 5));
    while (stats.delivered.sum() < o.issued() && System.nanoTime() < drainUntil) {
      Thread.sleep(20);
    }
    CpuTicks cpu = CpuTicks.sample(target.pid).minus(cpuBefore);
    long idleServer = CpuTicks.sample(idlePid).minus(idleBefore).node();
    Thread.sleep(100); // stragglers' latencies are still recorded in the step's own histogram
    stats.collect();
    Histogram all = stats.allTotal;
    return new StepResult(target.name, rate, o.elapsedNanos() / 1e9, o.issued(), stats.delivered.sum(),
        LatencySummary.of(all), stats.sdpTotal.getTotalCount() == 0 ? 0 : stats.sdpTotal.getValueAtPercentile(99),
        stats.errors.get(), cpu.node(), idleServer, cpu.loadGenerator(), Math.max(0, cpu.others() - idleServer),
        o.maxLagMicros(), loadAverage);
  }

  private void closeAll(List<PeerJsPeer> peers) {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (PeerJsPeer p : peers) {
      closing.add(p.close());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log("not every socket closed within 10 s");
    }
  }

  static String describe(StepResult r) {
    return String.format(Locale.ROOT, "%s %d msg/s: sent %d (%.0f/s, max lag %s ms), delivered %d; one-way %s;"
            + " SDP p99 %s ms; errors %d; server CPU %.2f s (%.0f µs/msg, %.2f cores), idle server %.2f s,"
            + " load generator %.2f s, others %.2f s", r.server(), r.offeredRate(), r.sent(), r.sentPerSecond(),
        LatencySummary.millis(r.maxLagMicros()), r.delivered(), r.latency().line(),
        LatencySummary.millis(r.sdpP99Micros()), r.errors(), r.serverCpuTicks() / 100.0,
        r.serverCpuMicrosPerMessage(), r.serverCores(), r.idleServerCpuTicks() / 100.0,
        r.loadGeneratorCpuTicks() / 100.0, r.otherCpuTicks() / 100.0);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private int intOption(String name, int dflt) {
    String v = options.get(name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[peerjs-loadgen %5.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9,
        String.format(Locale.ROOT, format, args));
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
