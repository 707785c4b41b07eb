package io.greenmesh.loadtest.wsload;

import io.greenmesh.loadtest.peerjs.Workload;
import io.greenmesh.loadtest.signaling.CpuTicks;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Netty relay benchmark: for each server, {@code --peers} peers in pairs (a PeerJS pair: two ids; a GreenMesh
 * pair: a room of two) relay stamped candidates and, one in {@code --sdp-every}, offers and answers to each other at
 * each rate of {@code --rates}, open-loop. Each server is stepped up until a step fails (p99 over {@code
 * --stop-p99-ms}, a loss, a message out of order, an error); with several servers each rate runs on each in turn,
 * the order rotating from rate to rate, so that whatever else the machine does weighs on all alike. Every step
 * records the server's CPU (/proc/PID/stat) and the generator's own (/proc/self/stat) beside what was delivered.
 */
public final class NettyLoadGenerator {
  static final String USAGE = """
      java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.wsload.NettyLoadGenerator --url URL[,URL...] [options]
        --url URLS           ws://HOST:PORT/v1/ws (GreenMesh protocol), or a PeerJS path: ws://HOST:PORT/ (npm peer
                             started with --path /), ws://HOST:PORT/peerjs (GreenMesh's PeerJS endpoint)
        --server NAMES       one name per URL, for the results (default server1,...)
        --server-pid PIDS    one pid per URL, for the server's CPU (from /proc/PID/stat)
        --peers N            peers per server, an even number, in pairs (default 1000)
        --threads N          event loops (default: the number of cores)
        --connect-rate N     peers connected per second (default 500)
        --rates LADDER       2000,4000,8000 or FROM..TO*FACTOR (default 2000..64000*2)
        --step-seconds S     seconds per rate (default 15)
        --warmup-seconds S   unmeasured load at --warmup-rate on each server first (default 10; 0 for none)
        --warmup-rate N      (default 2000)
        --sdp-every N        one message in N is an OFFER/ANSWER of a 3 KB SDP, the rest candidates (default 10)
        --stop-p99-ms MS     a server is not stepped further after a step with a p99 above this (default 10)
        --drain-seconds S    after a step, wait up to this long for its messages (default 3)
        --keepalive-seconds S  HEARTBEAT / ping per peer (default 5, as the PeerJS client)
        --out FILE           append one line per measured step (LadderStep), as each step ends
        --max-seconds S      hard limit on the whole run (default 600)
      """;
  private static final Set<String> OPTIONS = Set.of("url", "server", "server-pid", "peers", "threads",
      "connect-rate", "rates", "step-seconds", "warmup-seconds", "warmup-rate", "sdp-every", "stop-p99-ms",
      "drain-seconds", "keepalive-seconds", "out", "max-seconds");
  private static final int MAX_SETUPS_IN_FLIGHT = 64;
  /** Generous: a node just started on a loaded machine answers its first joins slowly. */
  private static final int SETUP_TIMEOUT_SECONDS = 60;

  private final Map<String, String> options;
  private final long startNanos = System.nanoTime();
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final int sdpEvery;

  /** A server under test and its peers, and its share of each event loop. */
  private static final class Target {
    final String name;
    final String url;
    final WsProtocol protocol;
    final OptionalLong pid;
    final Map<EventLoop, LoopState> loops = new LinkedHashMap<>();
    final List<WsPeer> peers = new ArrayList<>();
    boolean stepping = true;

    Target(String name, String url, OptionalLong pid) {
      this.name = name;
      this.url = url;
      this.protocol = WsProtocol.forUrl(url);
      this.pid = pid;
    }
  }

  NettyLoadGenerator(Map<String, String> options) {
    this.options = options;
    int threads = intOption("threads", Runtime.getRuntime().availableProcessors());
    ClientLoops loops = ClientLoops.create(threads);
    group = loops.group();
    channelType = loops.channelType();
    sdpEvery = intOption("sdp-every", 10);
  }

  public static void main(String[] args) {
    Map<String, String> options = Options.parse(args, OPTIONS, USAGE, "url");
    Options.watchdog(Long.parseLong(options.getOrDefault("max-seconds", "600")), "wsload");
    int code;
    try {
      code = new NettyLoadGenerator(options).run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  int run() throws Exception {
    List<Target> targets = targets();
    RateLadder ladder = RateLadder.parse(options.getOrDefault("rates", "2000..64000*2"));
    int peers = intOption("peers", 1000);
    new Workload(peers, sdpEvery); // validates: even, >= 2
    log("%d peers in pairs per server, %s event loops (%s); rates %s; one message in %d an OFFER/ANSWER",
        peers, intOption("threads", Runtime.getRuntime().availableProcessors()),
        ClientLoops.transport(), ladder.rates(), sdpEvery);
    String runId = Workload.runId(Workload.newRandom());
    for (Target t : targets) {
      connect(t, peers, runId);
      if (t.peers.size() != peers) {
        log("%s: only %d of %d peers set up; giving up", t.name, t.peers.size(), peers);
        return 1;
      }
    }
    int warmup = intOption("warmup-seconds", 10);
    if (warmup > 0) {
      for (Target t : targets) {
        log("warm-up: %s", describe(step(t, 0, intOption("warmup-rate", 2000), warmup)));
      }
    }
    long stopP99 = TimeUnit.MILLISECONDS.toMicros(intOption("stop-p99-ms", 10));
    List<Integer> rates = ladder.rates();
    for (int k = 0; k < rates.size(); k++) {
      List<Target> order = new ArrayList<>(targets);
      java.util.Collections.rotate(order, -(k % targets.size()));
      for (Target t : order) {
        if (!t.stepping) {
          continue;
        }
        LadderStep r = step(t, k + 1, rates.get(k), intOption("step-seconds", 15));
        log("RESULT %s", describe(r));
        if (options.containsKey("out")) {
          Files.write(Path.of(options.get("out")), List.of(r.toTsv()), StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        if (!(r.p99Micros() <= stopP99 && r.lost() == 0 && r.outOfOrder() == 0 && r.errors() == 0)) {
          log("%s: no higher rate (p99 %.2f ms, lost %d, out of order %d, errors %d)", t.name,
              r.p99Micros() / 1000.0, r.lost(), r.outOfOrder(), r.errors());
          t.stepping = false;
        }
      }
      if (targets.stream().noneMatch(t -> t.stepping)) {
        break;
      }
    }
    for (Target t : targets) {
      t.peers.forEach(WsPeer::close);
    }
    Thread.sleep(500);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    return 0;
  }

  private List<Target> targets() {
    String[] urls = options.get("url").split(",");
    String[] names = options.getOrDefault("server", "").split(",");
    String[] pids = options.getOrDefault("server-pid", "").split(",");
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < urls.length; i++) {
      String name = names.length == urls.length && !names[i].isBlank() ? names[i] : "server" + (i + 1);
      OptionalLong pid = pids.length == urls.length && !pids[i].isBlank() ? OptionalLong.of(Long.parseLong(pids[i]))
          : OptionalLong.empty();
      out.add(new Target(name, urls[i], pid));
    }
    return out;
  }

  private Bootstrap bootstrap(WsPeer peer) {
    return new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536), peer);
          }
        });
  }

  /** Sets up every pair, at most {@link #MAX_SETUPS_IN_FLIGHT} at once, paced at --connect-rate. */
  private void connect(Target t, int peers, String runId) throws InterruptedException {
    log("%s: %s protocol at %s (pid %s)", t.name, t.protocol, t.url,
        t.pid.isPresent() ? t.pid.getAsLong() : "unknown");
    Random random = Workload.newRandom();
    int rate = intOption("connect-rate", 500);
    long began = System.nanoTime();
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_SETUPS_IN_FLIGHT);
    WsPeer[] all = new WsPeer[peers];
    List<CompletableFuture<Void>> pairs = new ArrayList<>();
    for (int pair = 0; pair < peers / 2; pair++) {
      long due = began + (long) (2L * pair * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (!inFlight.tryAcquire(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        log("%s: set-up stalled", t.name);
        break;
      }
      WsPeer a = peer(t, 2 * pair, runId, random);
      WsPeer b = peer(t, 2 * pair + 1, runId, random);
      all[2 * pair] = a;
      all[2 * pair + 1] = b;
      String connectionId = "dc_" + Workload.token(random);
      CompletableFuture<Void> done = open(a).thenCompose(idA -> open(b).thenAccept(idB -> {
        a.pairWith(idB, connectionId);
        b.pairWith(idA, connectionId);
      })).orTimeout(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((v, e) -> inFlight.release());
      pairs.add(done);
    }
    int failed = 0;
    String firstFailure = null;
    for (CompletableFuture<Void> p : pairs) {
      try {
        p.get(SETUP_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
      } catch (Exception e) {
        failed++;
        firstFailure = firstFailure == null ? String.valueOf(e.getCause() == null ? e : e.getCause()) : firstFailure;
      }
    }
    if (failed > 0) {
      log("%s: %d pairs failed to set up, the first: %s", t.name, failed, firstFailure);
      return;
    }
    long keepAliveMillis = TimeUnit.SECONDS.toMillis(intOption("keepalive-seconds", 5));
    for (EventExecutor e : group) {
      EventLoop loop = (EventLoop) e;
      LoopState state = new LoopState(loop);
      t.loops.put(loop, state);
    }
    for (WsPeer p : all) {
      LoopState state = t.loops.get(p.channel.eventLoop());
      p.channel.eventLoop().execute(() -> {
        p.state = state;
        p.running = true;
        state.peers.add(p);
      });
      p.channel.eventLoop().scheduleAtFixedRate(p::keepAlive,
          ThreadLocalRandom.current().nextLong(keepAliveMillis), keepAliveMillis, TimeUnit.MILLISECONDS);
      t.peers.add(p);
    }
    log("%s: %d peers set up in %.1f s", t.name, peers, (System.nanoTime() - began) / 1e9);
  }

  private WsPeer peer(Target t, int index, String runId, Random random) {
    String id = Workload.peerId(runId, index);
    URI uri = t.protocol.uri(t.url, id, Workload.token(random));
    String join = t.protocol.join("lg-" + runId + "-" + index / 2);
    WsPeer p = new WsPeer(index, t.protocol, uri, join);
    return join == null ? p.withId(id) : p;
  }

  private CompletableFuture<String> open(WsPeer p) {
    URI uri = p.uri();
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    bootstrap(p).connect(new InetSocketAddress(uri.getHost(), port)).addListener(f -> {
      if (!f.isSuccess()) {
        p.ready.completeExceptionally(f.cause());
      }
    });
    return p.ready.thenApply(id -> id == null ? p.knownId() : id);
  }

  /** One rate for {@code seconds} on one server, then up to --drain-seconds for its messages to arrive. */
  LadderStep step(Target t, int step, int rate, int seconds) throws Exception {
    int total = t.peers.size();
    CpuTicks before = CpuTicks.sample(t.pid);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    List<CompletableFuture<?>> begun = new ArrayList<>();
    for (LoopState s : t.loops.values()) {
      double share = rate * (double) onLoop(s) / total;
      begun.add(toFuture(s.loop.submit(() -> s.begin(step, share, start, sdpEvery))));
    }
    CompletableFuture.allOf(begun.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    TimeUnit.NANOSECONDS.sleep(start + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime());
    long sent = 0;
    for (LoopState s : t.loops.values()) {
      sent += s.loop.submit(s::end).get(5, TimeUnit.SECONDS);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOption("drain-seconds", 3));
    while (delivered(t) < sent && System.nanoTime() < drainUntil) {
      Thread.sleep(20);
    }
    CpuTicks cpu = CpuTicks.sample(t.pid).minus(before);
    List<StepStats> parts = new ArrayList<>();
    long maxLag = 0;
    for (LoopState s : t.loops.values()) {
      parts.add(s.loop.submit(s::collect).get(5, TimeUnit.SECONDS));
      maxLag = Math.max(maxLag, s.loop.submit(() -> s.maxLagNanos).get(5, TimeUnit.SECONDS));
    }
    StepStats.Totals tot = StepStats.merge(parts);
    var h = tot.latency();
    long p50 = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50);
    return new LadderStep(t.name, rate, elapsed, sent, tot.delivered(), tot.outOfOrder(), tot.errors(), p50,
        tot.p99Micros(), h.getMaxValue(), cpu.node(), cpu.loadGenerator(), cpu.others(), maxLag / 1000);
  }

  private static int onLoop(LoopState s) {
    try {
      return s.loop.submit(() -> s.peers.size()).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long delivered(Target t) throws Exception {
    long d = 0;
    for (LoopState s : t.loops.values()) {
      d += s.loop.submit(() -> s.stats.delivered).get(5, TimeUnit.SECONDS);
    }
    return d;
  }

  private static CompletableFuture<Void> toFuture(io.netty.util.concurrent.Future<?> f) {
    CompletableFuture<Void> c = new CompletableFuture<>();
    f.addListener(x -> {
      if (x.isSuccess()) {
        c.complete(null);
      } else {
        c.completeExceptionally(x.cause());
      }
    });
    return c;
  }

  static String describe(LadderStep r) {
    return String.format(Locale.ROOT, "%s %,d msg/s: sent %,d (%.0f/s, max lag %.1f ms), delivered %,d, lost %d,"
            + " out of order %d, errors %d; p50 %.2f ms, p99 %.2f ms, max %.2f ms; server %.0f µs/msg (%.2f cores),"
            + " generator %.0f µs/msg (%.2f cores), others %.2f s", r.server(), r.offered(), r.sent(),
        r.sent() / r.seconds(), r.maxLagMicros() / 1000.0, r.delivered(), r.lost(), r.outOfOrder(), r.errors(),
        r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.maxMicros() / 1000.0, r.serverMicrosPerMessage(),
        r.serverCores(), r.generatorMicrosPerMessage(), r.generatorCores(),
        r.otherTicks() / (double) CpuTicks.TICKS_PER_SECOND);
  }

  private int intOption(String name, int dflt) {
    String v = options.get(name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[wsload %5.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9,
        String.format(Locale.ROOT, format, args));
  }
}
