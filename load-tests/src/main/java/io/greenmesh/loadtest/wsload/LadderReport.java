package io.greenmesh.loadtest.wsload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The Markdown docs/benchmarks.md quotes from {@link NettyLoadGenerator}'s results: a table per server, then for
 * each server against the reference (the last one, the PeerJS server) the two issue-14 ratios — messages/s at p99
 * within the target (target ≥ 2×) and server CPU per message at the rates both ran (target ≤ 0.5×, the worst rate
 * counts) — and the generator's own CPU per message beside the servers'. run-benchmarks.sh greps the lines that
 * start with {@code Rate ratio} and {@code CPU ratio}.
 *
 * <pre>java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.wsload.LadderReport RESULTS.tsv [TARGET_P99_MS]</pre>
 */
public final class LadderReport {
  private LadderReport() {}

  public static void main(String[] args) throws IOException {
    Map<String, List<LadderStep>> byServer = byServer(Files.readAllLines(Path.of(args[0])));
    long target = (long) (Double.parseDouble(args.length > 1 ? args[1] : "10") * 1000);
    System.out.print(markdown(byServer, target));
  }

  static Map<String, List<LadderStep>> byServer(List<String> lines) {
    Map<String, List<LadderStep>> out = new LinkedHashMap<>();
    for (String l : lines) {
      if (!l.isBlank()) {
        LadderStep s = LadderStep.fromTsv(l);
        out.computeIfAbsent(s.server(), k -> new ArrayList<>()).add(s);
      }
    }
    return out;
  }

  static OptionalInt sustained(List<LadderStep> rows, long targetMicros) {
    return rows.stream().filter(r -> r.meets(targetMicros)).mapToInt(LadderStep::offered).max();
  }

  /** The highest ratio of {@code a}'s server CPU per message to {@code ref}'s over the rates both ran; NaN if none. */
  static double worstCpuRatio(List<LadderStep> a, List<LadderStep> ref) {
    double worst = Double.NaN;
    for (LadderStep x : a) {
      for (LadderStep r : ref) {
        if (x.offered() == r.offered() && r.serverMicrosPerMessage() > 0 && x.delivered() > 0) {
          double q = x.serverMicrosPerMessage() / r.serverMicrosPerMessage();
          worst = Double.isNaN(worst) ? q : Math.max(worst, q);
        }
      }
    }
    return worst;
  }

  static String markdown(Map<String, List<LadderStep>> byServer, long targetMicros) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<LadderStep>> e : byServer.entrySet()) {
      b.append("**").append(e.getKey()).append("**\n\n");
      b.append("| Offered msg/s | Sent msg/s | Delivered | Lost | Out of order | Errors | p50 ms | p99 ms | max ms"
          + " | Server µs/msg | Server cores | Generator µs/msg | Generator cores | Generator max lag ms |\n");
      b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (LadderStep r : e.getValue()) {
        b.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,d | %d | %d | %d | %.2f | %.2f | %.2f | %.0f | %.2f"
                + " | %.0f | %.2f | %.1f |\n", r.offered(), r.sent() / r.seconds(), r.delivered(), r.lost(),
            r.outOfOrder(), r.errors(), r.p50Micros() / 1000.0, r.p99Micros() / 1000.0, r.maxMicros() / 1000.0,
            r.serverMicrosPerMessage(), r.serverCores(), r.generatorMicrosPerMessage(), r.generatorCores(),
            r.maxLagMicros() / 1000.0));
      }
      b.append('\n');
    }
    String ms = String.format(Locale.ROOT, "%.0f", targetMicros / 1000.0);
    b.append("| Server | msg/s at p99 ≤ ").append(ms).append(" ms | highest rate tried |\n|---|---:|---:|\n");
    for (Map.Entry<String, List<LadderStep>> e : byServer.entrySet()) {
      OptionalInt s = sustained(e.getValue(), targetMicros);
      b.append("| ").append(e.getKey()).append(" | ")
          .append(s.isPresent() ? String.format(Locale.ROOT, "%,d", s.getAsInt()) : "none of the rates")
          .append(" | ").append(String.format(Locale.ROOT, "%,d",
              e.getValue().stream().mapToInt(LadderStep::offered).max().orElse(0))).append(" |\n");
    }
    b.append('\n');
    List<String> names = new ArrayList<>(byServer.keySet());
    if (names.size() >= 2) {
      String refName = names.get(names.size() - 1);
      List<LadderStep> ref = byServer.get(refName);
      OptionalInt refRate = sustained(ref, targetMicros);
      boolean refCeilingFound = ref.stream().anyMatch(r -> !r.meets(targetMicros));
      for (String n : names.subList(0, names.size() - 1)) {
        OptionalInt rate = sustained(byServer.get(n), targetMicros);
        String rateRatio = refRate.isEmpty() ? "n/a (" + refName + " met the target at no rate)"
            : String.format(Locale.ROOT, "%.2f", rate.orElse(0) / (double) refRate.getAsInt());
        b.append("Rate ratio ").append(n).append(" / ").append(refName).append(": ").append(rateRatio)
            .append(" (target ≥ 2")
            .append(refCeilingFound ? "" : "; " + refName + " did not fail at the highest rate, so this is a lower"
                + " bound of its rate and an upper bound of the ratio")
            .append(")\n\n");
        double cpu = worstCpuRatio(byServer.get(n), ref);
        b.append("CPU ratio ").append(n).append(" / ").append(refName).append(": ")
            .append(Double.isNaN(cpu) ? "n/a" : String.format(Locale.ROOT, "%.2f", cpu))
            .append(" (server µs/msg, the worst of the rates both ran; target ≤ 0.5)\n\n");
      }
    }
    double genWorst = byServer.values().stream().flatMap(List::stream).filter(r -> r.delivered() > 0)
        .mapToDouble(LadderStep::generatorMicrosPerMessage).max().orElse(Double.NaN);
    double genLast = byServer.values().stream().map(l -> l.get(l.size() - 1)).filter(r -> r.delivered() > 0)
        .mapToDouble(LadderStep::generatorMicrosPerMessage).min().orElse(Double.NaN);
    b.append(String.format(Locale.ROOT, "Generator CPU: %.0f µs/msg at its highest rate, %.0f at worst (one"
        + " process; a relayed message is one send and one receive for it)%n", genLast, genWorst));
    return b.toString();
  }
}
