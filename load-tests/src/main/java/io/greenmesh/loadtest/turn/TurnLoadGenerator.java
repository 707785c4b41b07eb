package io.greenmesh.loadtest.turn;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import io.greenmesh.loadtest.signaling.CpuTicks;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/**
 * A multi-threaded UDP TURN load generator. On each target server it sets up {@code --allocations} allocations
 * (REST API credentials, Allocate, CreatePermission, ChannelBind to a peer socket of this process), then sends
 * ChannelData with DTLS-shaped payloads of {@code --size} bytes from {@code --sender-threads} threads at stepped
 * offered rates, and counts and times them on arrival at the peer sockets. A {@code bare} target is a
 * {@link BareForwarder} (same framing, no TURN control plane). For each target it finds the highest offered rate
 * whose loss stays under {@code --max-loss} (see {@link RateSteps}); the targets take turns step by step, so that on
 * a shared machine they are compared under the same background load. Only one target is loaded at a time.
 *
 * <p>Prints a progress line per step, appends one tab-separated row per step to {@code --out}, and ends with a
 * {@code RESULT} line for the bench script.
 */
public final class TurnLoadGenerator {
  static final String TSV_HEADER = "label\tstep\toffered_pps\tsent_pps\tdelivered_pps\tloss\tp50_us\tp99_us\tmax_us"
      + "\tserver_cpu_s\tserver_us_per_pkt\tgenerator_cpu_s\tother_cpu_s\tmachine_idle\tsink_drops\tpassed";

  private static final double TICK = 1.0 / CpuTicks.TICKS_PER_SECOND;

  private final Map<String, String> opts;
  private final PrintStream out = System.out;

  private TurnLoadGenerator(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    new TurnLoadGenerator(opts).run();
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]
            + "\nusage: --targets LABEL=turn|bare:127.0.0.1:PORT:PID[,...] [--secret S] [--allocations 64] [--size 200]"
            + " [--sender-threads 2] [--sink-ports P1,P2] [--start-rate 10000] [--factor 1.35]"
            + " [--max-rate 600000] [--max-steps 16] [--refine 2] [--step-seconds 3] [--warmup-seconds 3]"
            + " [--max-loss 0.001] [--rounds 1] [--refresh-seconds 120] [--out steps.tsv] [--time-limit 300]");
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return m;
  }

  private String opt(String name, String dflt) {
    return opts.getOrDefault(name, dflt);
  }

  /** A server under test: {@code label=turn|bare:host:port:pid}. */
  record Target(String label, boolean bare, InetSocketAddress server, long pid) {
    static Target parse(String spec) {
      int eq = spec.indexOf('=');
      String[] f = spec.substring(eq + 1).split(":");
      if (eq < 1 || f.length != 4 || !(f[0].equals("turn") || f[0].equals("bare"))) {
        throw new IllegalArgumentException("target must be label=turn|bare:host:port:pid, not " + spec);
      }
      return new Target(spec.substring(0, eq), f[0].equals("bare"),
          new InetSocketAddress(f[1], Integer.parseInt(f[2])), Long.parseLong(f[3]));
    }
  }

  /**
   * A target's flows: one connected socket per allocation and the channel number it sends on; for a TURN target
   * the sessions and their peers too, to refresh permissions and channel bindings.
   */
  static final class Flows {
    final List<DatagramChannel> channels;
    final int[] channelNumbers;
    final List<TurnClientSession> sessions;
    final List<InetSocketAddress> peers;
    long refreshedAt = System.nanoTime();

    Flows(List<DatagramChannel> channels, int[] channelNumbers, List<TurnClientSession> sessions,
        List<InetSocketAddress> peers) {
      this.channels = channels;
      this.channelNumbers = channelNumbers;
      this.sessions = sessions;
      this.peers = peers;
    }

    List<DatagramChannel> channels() {
      return channels;
    }

    int[] channelNumbers() {
      return channelNumbers;
    }

    /**
     * Permissions last 300 s (RFC 8656 §9) and are not refreshed by traffic: every {@code everyNanos} (between
     * steps; {@code --refresh-seconds}, default 120), CreatePermission and ChannelBind are sent again on every allocation.
     */
    void refreshIfDue(String label, PrintStream out, long everyNanos) throws IOException {
      if (sessions.isEmpty() || System.nanoTime() - refreshedAt < everyNanos) {
        return;
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < sessions.size(); i++) {
        InetSocketAddress peer = peers.get(i % peers.size());
        sessions.get(i).createPermission(peer);
        sessions.get(i).channelBind(0x4000, peer);
      }
      refreshedAt = System.nanoTime();
      out.printf(Locale.ROOT, "[%s] refreshed %d permissions and channel bindings in %.0f ms%n", label,
          sessions.size(), (refreshedAt - t0) / 1e6);
    }
  }



  private void run() throws Exception {
    long started = System.nanoTime();
    List<Target> targets = new ArrayList<>();
    for (String spec : opt("targets", "").split(",")) {
      if (!spec.isBlank()) {
        targets.add(Target.parse(spec.trim()));
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("--targets label=turn|bare:host:port:pid[,...] is required");
    }
    int allocations = Integer.parseInt(opt("allocations", "64"));
    int size = Integer.parseInt(opt("size", "200"));
    int senderThreads = Integer.parseInt(opt("sender-threads", "2"));
    double maxLoss = Double.parseDouble(opt("max-loss", "0.001"));
    double stepSeconds = Double.parseDouble(opt("step-seconds", "3"));
    double warmupSeconds = Double.parseDouble(opt("warmup-seconds", "3"));
    double timeLimit = Double.parseDouble(opt("time-limit", "300"));
    int rounds = Integer.parseInt(opt("rounds", "1"));
    long refreshNanos = (long) (Double.parseDouble(opt("refresh-seconds", "120")) * 1e9);
    double startRate = Double.parseDouble(opt("start-rate", "10000"));
    Path tsv = Path.of(opt("out", "turn-steps.tsv"));
    if (!Files.exists(tsv)) {
      Files.writeString(tsv, TSV_HEADER + "\n", StandardCharsets.UTF_8);
    }

    List<InetSocketAddress> sinkBinds = new ArrayList<>();
    for (String p : opt("sink-ports", "0,0").split(",")) {
      sinkBinds.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(p)));
    }
    try (PeerSink sink = new PeerSink(sinkBinds, 4 << 20)) {
      List<InetSocketAddress> peers = sink.addresses();
      sink.start();
      Map<Target, Flows> flows = new HashMap<>();
      for (Target t : targets) {
        progress(t.label(), "setting up " + allocations + (t.bare() ? " flows to the bare forwarder " :
            " allocations on ") + t.server() + ", peers " + peers);
        flows.put(t, t.bare() ? bareFlows(t.server(), allocations, peers) : allocate(t.server(), allocations,
            peers, t.label()));
      }
      progress("all", String.format(Locale.ROOT, "ready in %.1f s", (System.nanoTime() - started) / 1e9));

      int step = 0;
      for (Target t : targets) {
        Flows f = flows.get(t);
        Outcome warm = runStep(sink, step++, startRate, warmupSeconds, f.channels(), f.channelNumbers(), size,
            senderThreads, t.pid());
        report(t.label(), "warm-up", warm, maxLoss, null);
      }
      boolean outOfTime = false;
      for (int round = 1; round <= rounds && !outOfTime; round++) {
        // Every target climbs its own ladder; at each turn every target still searching runs one step, in an
        // order that rotates, so all of them see the same background load within a few seconds.
        Map<Target, RateSteps> ladders = new HashMap<>();
        Map<Target, Outcome> best = new HashMap<>();
        for (Target t : targets) {
          ladders.put(t, new RateSteps(startRate, Double.parseDouble(opt("factor", "1.3")),
              Double.parseDouble(opt("max-rate", "600000")), Integer.parseInt(opt("max-steps", "16")),
              Integer.parseInt(opt("refine", "2"))));
        }
        for (int turn = 0; !outOfTime; turn++) {
          List<Target> active = new ArrayList<>();
          for (Target t : targets) {
            if (ladders.get(t).next().isPresent()) {
              active.add(t);
            }
          }
          if (active.isEmpty()) {
            break;
          }
          java.util.Collections.rotate(active, turn);
          for (Target t : active) {
            if ((System.nanoTime() - started) / 1e9 + stepSeconds + 1 > timeLimit) {
              progress("all", "time limit reached in round " + round);
              outOfTime = true;
              break;
            }
            RateSteps ladder = ladders.get(t);
            Flows f = flows.get(t);
            f.refreshIfDue(t.label(), out, refreshNanos);
            String label = t.label() + "#" + round;
            Outcome o = runStep(sink, step, ladder.next().getAsDouble(), stepSeconds, f.channels(),
                f.channelNumbers(), size, senderThreads, t.pid());
            boolean passed = o.passed(maxLoss);
            if (!passed && o.generatorBehind() && o.loss() < maxLoss) {
              ladder.inconclusive(o.offered);
            } else {
              ladder.record(o.offered, passed);
            }
            report(label, "step " + step, o, maxLoss, tsv);
            if (passed && (!best.containsKey(t) || o.offered > best.get(t).offered)) {
              best.put(t, o);
            }
            step++;
          }
        }
        for (Target t : targets) {
          result(t.label() + "#" + round, best.get(t));
        }
      }
      for (Flows f : flows.values()) {
        for (DatagramChannel c : f.channels()) {
          c.close();
        }
      }
    }
  }

  private void result(String label, Outcome best) {
    if (best == null) {
      out.println("RESULT\t" + label + "\tnone");
    } else {
      out.println(String.format(Locale.ROOT, "RESULT\t%s\t%.0f\t%.0f\t%.2f\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.4f",
          label, best.offered, best.deliveredPerSecond(), best.serverMicrosPerPacket(),
          best.latency.getValueAtPercentile(50), best.latency.getValueAtPercentile(99),
          best.cpu.node() * TICK / best.seconds,
          best.cpu.loadGenerator() * TICK / best.seconds,
          best.cpu.others() * TICK / best.seconds, best.loss()));
    }
    out.flush();
  }

  private static Flows bareFlows(InetSocketAddress server, int n, List<InetSocketAddress> peers)
      throws IOException {
    List<DatagramChannel> channels = new ArrayList<>();
    int[] numbers = new int[n];
    for (int i = 0; i < n; i++) {
      DatagramChannel c = DatagramChannel.open();
      c.bind(new InetSocketAddress(server.getAddress(), 0));
      c.connect(server);
      channels.add(c);
      numbers[i] = 0x4000 + i % peers.size();
    }
    return new Flows(channels, numbers, List.of(), peers);
  }

  private Flows allocate(InetSocketAddress server, int n, List<InetSocketAddress> peers, String label)
      throws Exception {
    String secret = opt("secret", "");
    long expiry = System.currentTimeMillis() / 1000 + 3600;
    // The first session learns realm and nonce; the others start from them (GreenMesh nonces hold per client IP,
    // and answers to unauthenticated sources are rate limited per IP; coturn answers a foreign nonce with 438).
    TurnClientSession first = new TurnClientSession(server, RestCredentials.of(secret, expiry, "loadgen-0"));
    first.allocate();
    TurnClientSession[] sessions = new TurnClientSession[n];
    sessions[0] = first;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        done.add(pool.submit(() -> {
          TurnClientSession s = sessions[index];
          if (s == null) {
            s = new TurnClientSession(server, RestCredentials.of(secret, expiry, "loadgen-" + index));
            s.knownChallenge(first.realm(), first.nonce());
            s.allocate();
            sessions[index] = s;
          }
          InetSocketAddress peer = peers.get(index % peers.size());
          s.createPermission(peer);
          s.channelBind(0x4000, peer);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<DatagramChannel> channels = new ArrayList<>();
    for (TurnClientSession s : sessions) {
      channels.add(s.channel);
    }
    progress(label, "allocated " + n + ", e.g. relayed address " + sessions[0].relayedAddress());
    int[] numbers = new int[n];
    java.util.Arrays.fill(numbers, 0x4000);
    return new Flows(channels, numbers, List.of(sessions), peers);
  }

  /** What one step measured. */
  record Outcome(double offered, double seconds, long sent, long delivered, long sendErrors, long sinkDrops,
      Histogram latency, CpuTicks cpu) {
    double loss() {
      return sent == 0 ? 1 : Math.max(0, 1 - (double) delivered / sent);
    }

    double sentPerSecond() {
      return sent / seconds;
    }

    double deliveredPerSecond() {
      return delivered / seconds;
    }

    double serverMicrosPerPacket() {
      return delivered == 0 ? 0 : cpu.node() * TICK * 1e6 / delivered;
    }

    /** Loss under the bound and the offered rate actually sent (else the generator, not the server, limited it). */
    boolean passed(double maxLoss) {
      return loss() < maxLoss && !generatorBehind();
    }

    boolean generatorBehind() {
      return sentPerSecond() < 0.95 * offered;
    }
  }

  private Outcome runStep(PeerSink sink, int step, double rate, double seconds, List<DatagramChannel> channels,
      int[] channelNumbers, int size, int senderThreads, long serverPid) throws Exception {
    sink.beginStep(step);
    long dropsBefore = sink.kernelDrops();
    CpuTicks before = CpuTicks.sample(pid(serverPid));
    long durationNanos = (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    long[][] results = new long[senderThreads][2];
    long t0 = System.nanoTime() + 1_000_000;
    for (int t = 0; t < senderThreads; t++) {
      int me = t;
      Thread th = new Thread(() -> results[me] = send(me, senderThreads, step, rate / senderThreads, t0,
          durationNanos, channels, channelNumbers, size), "sender-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    Thread.sleep(500); // drain: what the server still holds is delivered late, not lost
    CpuTicks cpu = CpuTicks.sample(pid(serverPid)).minus(before);
    long sent = 0;
    long errors = 0;
    for (long[] r : results) {
      sent += r[0];
      errors += r[1];
    }
    return new Outcome(rate, seconds, sent, sink.received(step), errors, sink.kernelDrops() - dropsBefore,
        sink.latency(), cpu);
  }

  /** Open-loop pacing: packet i of this thread is due at t0 + i / rate; behind schedule it catches up in bursts. */
  private static long[] send(int thread, int threads, int step, double rate, long t0, long durationNanos,
      List<DatagramChannel> channels, int[] channelNumbers, int size) {
    List<DatagramChannel> mine = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (int i = thread; i < channels.size(); i += threads) {
      mine.add(channels.get(i));
      numbers.add(channelNumbers[i]);
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(4 + size);
    buf.putShort(2, (short) size);
    DtlsPayload.fill(buf, 4, size);
    double perNano = rate / 1e9;
    long end = t0 + durationNanos;
    long sent = 0;
    long errors = 0;
    long sequence = 0;
    int k = 0;
    while (System.nanoTime() < t0) {
      Thread.onSpinWait();
    }
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long due = (long) ((now - t0) * perNano) + 1;
      if (sent >= due) {
        LockSupport.parkNanos(Math.max(20_000, (long) ((sent - due + 1) / perNano)));
        continue;
      }
      for (int burst = 0; burst < 64 && sent < due; burst++) {
        if (k == mine.size()) {
          k = 0;
        }
        buf.putShort(0, numbers.get(k).shortValue());
        DtlsPayload.stamp(buf, 4, sequence++, step, System.nanoTime());
        buf.clear();
        try {
          mine.get(k).write(buf);
        } catch (IOException e) {
          errors++;
        }
        sent++;
        k++;
      }
    }
    return new long[] {sent, errors};
  }

  private void report(String label, String what, Outcome o, double maxLoss, Path tsv) throws IOException {
    double idle = o.cpu.machineTotal() == 0 ? 0 : 1 - (double) o.cpu.machineBusy() / o.cpu.machineTotal();
    progress(label, String.format(Locale.ROOT,
        "%-8s offered %,9.0f/s  sent %,9.0f/s  delivered %,9.0f/s  loss %6.3f%%  p50 %,6d µs  p99 %,7d µs  "
            + "server %5.1f µs/pkt (%3.0f%% CPU)  generator %3.0f%% CPU  others %3.0f%%  idle %3.0f%%%s  %s",
        what, o.offered, o.sentPerSecond(), o.deliveredPerSecond(), o.loss() * 100,
        o.latency.getValueAtPercentile(50), o.latency.getValueAtPercentile(99), o.serverMicrosPerPacket(),
        100 * o.cpu.node() * TICK / o.seconds, 100 * o.cpu.loadGenerator() * TICK
            / o.seconds, 100 * o.cpu.others() * TICK / o.seconds, idle * 100,
        (o.sendErrors > 0 ? "  send errors " + o.sendErrors : "") + (o.sinkDrops > 0 ? "  dropped at peer socket "
            + o.sinkDrops : ""), o.passed(maxLoss) ? "PASS" : o.generatorBehind() && o.loss() < maxLoss ? "generator behind: again"
            : "fail"));
    if (tsv != null) {
      Files.writeString(tsv, String.format(Locale.ROOT, "%s\t%d\t%.0f\t%.0f\t%.0f\t%.6f\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f"
              + "\t%.2f\t%.3f\t%d\t%b%n", label, Integer.parseInt(what.replace("step ", "")), o.offered,
          o.sentPerSecond(), o.deliveredPerSecond(), o.loss(), o.latency.getValueAtPercentile(50),
          o.latency.getValueAtPercentile(99), o.latency.getMaxValue(), o.cpu.node() * TICK,
          o.serverMicrosPerPacket(), o.cpu.loadGenerator() * TICK,
          o.cpu.others() * TICK, idle, o.sinkDrops, o.passed(maxLoss)), StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
  }

  private static OptionalLong pid(long pid) {
    return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
  }

  private void progress(String label, String line) {
    out.println("[" + label + "] " + line);
    out.flush();
  }
}
