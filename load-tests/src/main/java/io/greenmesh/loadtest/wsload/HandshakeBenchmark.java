package io.greenmesh.loadtest.wsload;

import io.greenmesh.loadtest.signaling.CpuTicks;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * WebSocket handshakes per second: at each offered rate of {@code --rates}, open-loop, a new TCP connection and
 * upgrade request ({@code GET} with {@code Upgrade: websocket}) every {@code 1/rate} s, from source addresses
 * rotating over {@code 127.0.0.2 …} ({@code --source-addresses}) so that the ephemeral ports of one address (about
 * 28,000, each held in TIME_WAIT for 60 s after the close) do not run out. A handshake's latency is from the
 * connect to the {@code 101} response; then the connection sends a close frame and is closed. At most {@code
 * --max-in-flight} handshakes are pending; one that cannot start, fails or takes longer than 5 s is an error.
 */
public final class HandshakeBenchmark {
  static final String USAGE = """
      java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.wsload.HandshakeBenchmark --url URL [options]
        --url URL              ws://127.0.0.1:PORT/v1/ws, or a PeerJS socket path (…/peerjs?key=peerjs&id=…: the id is
                               made unique per connection)
        --server NAME          for the results (default server)
        --server-pid PID       the server's process, for its CPU per handshake
        --rates LADDER         handshakes/s, 500,1000,2000 or FROM..TO*FACTOR (default 1000..16000*2)
        --step-seconds S       (default 10)
        --source-addresses N   127.0.0.2 … 127.0.0.(N+1) (default 16)
        --max-in-flight N      (default 4000)
        --threads N            event loops (default: the number of cores)
        --warmup-seconds S     unrecorded handshakes at the first rate first, for a server just started (default 5)
        --stop-p99-ms MS       no higher rate after a step with a p99 above this or any error (default 50)
        --out FILE             append one line per step: server, offered, seconds, started, completed, errors, p50_us,
                               p99_us, max_us, server_ticks, generator_ticks, other_ticks
        --max-seconds S        hard limit on the whole run (default 300)
      """;
  private static final Set<String> OPTIONS = Set.of("url", "server", "server-pid", "rates", "step-seconds",
      "source-addresses", "max-in-flight", "threads", "warmup-seconds", "stop-p99-ms", "out", "max-seconds");
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Map<String, String> options;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final AtomicLong inFlight = new AtomicLong();
  private final LongAdder completed = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Recorder latency = new Recorder(60_000_000L, 3);
  private long connectionNumber;

  private HandshakeBenchmark(Map<String, String> options) {
    this.options = options;
    int threads = intOption("threads", Runtime.getRuntime().availableProcessors());
    ClientLoops loops = ClientLoops.create(threads);
    group = loops.group();
    channelType = loops.channelType();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, OPTIONS, USAGE, "url");
    Options.watchdog(Long.parseLong(options.getOrDefault("max-seconds", "300")), "handshakes");
    System.exit(new HandshakeBenchmark(options).run());
  }

  /** The {@code n}-th loopback source address: 127.0.0.2, 127.0.0.3, … (127.0.0.1 is left to everything else). */
  static String sourceAddress(long n, int addresses) {
    int k = (int) (n % addresses) + 2;
    return "127." + (k >> 16 & 0xFF) + "." + (k >> 8 & 0xFF) + "." + (k & 0xFF);
  }

  /** The URL of the {@code n}-th connection: a PeerJS id must be unique, so {@code id=} gets the number appended. */
  static URI uriFor(String url, long n) {
    return URI.create(url.replaceFirst("([?&]id=)([^&]*)", "$1$2" + n));
  }

  private int run() throws Exception {
    String name = options.getOrDefault("server", "server");
    OptionalLong pid = options.containsKey("server-pid")
        ? OptionalLong.of(Long.parseLong(options.get("server-pid"))) : OptionalLong.empty();
    RateLadder ladder = RateLadder.parse(options.getOrDefault("rates", "1000..16000*2"));
    long stopP99 = TimeUnit.MILLISECONDS.toMicros(intOption("stop-p99-ms", 50));
    int seconds = intOption("step-seconds", 10);
    System.out.printf(Locale.ROOT, "[handshakes] %s at %s; rates %s, %d s each, %d source addresses%n", name,
        options.get("url"), ladder.rates(), seconds, intOption("source-addresses", 16));
    int warmup = intOption("warmup-seconds", 5);
    if (warmup > 0) {
      System.out.println("[handshakes] warm-up: " + step(name, pid, ladder.rates().get(0), warmup).replace('\t', ' '));
      Thread.sleep(2000);
    }
    for (int rate : ladder.rates()) {
      String line = step(name, pid, rate, seconds);
      System.out.println("[handshakes] RESULT " + line.replace('\t', ' '));
      if (options.containsKey("out")) {
        Files.write(Path.of(options.get("out")), List.of(line), StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      String[] f = line.split("\t");
      if (Long.parseLong(f[5]) > 0 || Long.parseLong(f[7]) > stopP99) {
        System.out.printf("[handshakes] %s: no higher rate (errors %s, p99 %s µs)%n", name, f[5], f[7]);
        break;
      }
      Thread.sleep(2000); // let the server settle between steps
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    return 0;
  }

  private String step(String name, OptionalLong pid, int rate, int seconds) throws InterruptedException {
    completed.reset();
    errors.reset();
    latency.getIntervalHistogram();
    CpuTicks before = CpuTicks.sample(pid);
    String url = options.get("url");
    int addresses = intOption("source-addresses", 16);
    int maxInFlight = intOption("max-in-flight", 4000);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long started = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long due = (long) ((now - start) * (rate / 1e9));
      while (started < due) {
        started++;
        if (inFlight.get() >= maxInFlight) {
          errors.increment();
          continue;
        }
        long n = connectionNumber++;
        connect(uriFor(url, n), sourceAddress(n, addresses), start + (long) ((started - 1) * (1e9 / rate)));
      }
      TimeUnit.MICROSECONDS.sleep(500);
    }
    long waitUntil = System.nanoTime() + TIMEOUT_NANOS + TimeUnit.SECONDS.toNanos(1);
    while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
      Thread.sleep(20);
    }
    double elapsed = (end - start) / 1e9;
    CpuTicks cpu = CpuTicks.sample(pid).minus(before);
    Histogram h = latency.getIntervalHistogram();
    long stuck = inFlight.get();
    long done = completed.sum();
    return String.join("\t", name, Integer.toString(rate), String.format(Locale.ROOT, "%.3f", elapsed),
        Long.toString(started), Long.toString(done), Long.toString(errors.sum() + stuck),
        Long.toString(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50)),
        Long.toString(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99)), Long.toString(h.getMaxValue()),
        Long.toString(cpu.node()), Long.toString(cpu.loadGenerator()), Long.toString(cpu.others()));
  }

  /** One handshake, timed from {@code intendedNanos} (open-loop: a late start counts against the latency). */
  private void connect(URI uri, String source, long intendedNanos) {
    inFlight.incrementAndGet();
    WebSocketClientHandshaker hs = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null,
        false, EmptyHttpHeaders.INSTANCE, 65536, true, false, 1000, false, false);
    int[] settled = {0};
    Runnable fail = () -> {
      if (settled[0]++ == 0) {
        inFlight.decrementAndGet();
        errors.increment();
      }
    };
    new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.eventLoop().schedule(() -> {
              fail.run();
              ch.close();
            }, TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                new SimpleChannelInboundHandler<Object>() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    hs.handshake(ctx.channel());
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                    if (hs.isHandshakeComplete() || !(msg instanceof FullHttpResponse r)) {
                      return;
                    }
                    try {
                      hs.finishHandshake(ctx.channel(), r);
                    } catch (RuntimeException e) {
                      fail.run();
                      ctx.close();
                      return;
                    }
                    if (settled[0]++ == 0) {
                      latency.recordValue(Math.min(60_000_000L, (System.nanoTime() - intendedNanos) / 1000));
                      completed.increment();
                      inFlight.decrementAndGet();
                    }
                    ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> ctx.close());
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    fail.run();
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    fail.run();
                    ctx.close();
                  }
                });
          }
        })
        .connect(new InetSocketAddress(uri.getHost(), uri.getPort()), new InetSocketAddress(source, 0))
        .addListener(f -> {
          if (!f.isSuccess()) {
            fail.run();
          }
        });
  }

  private int intOption(String name, int dflt) {
    String v = options.get(name);
    return v == null ? dflt : Integer.parseInt(v);
  }
}
