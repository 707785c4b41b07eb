package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Rows of the Markdown tables in docs/benchmarks.md; the bench script prints the headers. */
public final class ReportRows {
  private ReportRows() {}

  public static final String LATENCY_HEADER = """
      | Scenario | Load | Offered rate | p50 ms | p90 ms | p99 ms | max ms | Achieved | Errors |
      |---|---|---|---:|---:|---:|---:|---|---|""";

  public static final String HEAP_HEADER = """
      | Idle sessions | Live heap, 0 sessions | Live heap, N sessions | Heap per idle session |
      |---:|---:|---:|---:|""";

  public static final String CPU_HEADER = """
      | Phase | Wall s | Node CPU s | Load generator CPU s | Other processes CPU s | Machine idle | Node GC pauses |
      |---|---:|---:|---:|---:|---:|---|""";

  /** Where the CPU time of a phase went; {@code ticks} in USER_HZ (100 a second). */
  public static String cpu(String phase, double wallSeconds, CpuTicks ticks, long gcPauses, double gcSeconds) {
    double idle = ticks.machineTotal() == 0 ? 0 : 100.0 * (ticks.machineTotal() - ticks.machineBusy())
        / ticks.machineTotal();
    return String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.2f | %.2f | %.0f %% | %d, %.0f ms |", phase,
        wallSeconds, seconds(ticks.node()), seconds(ticks.loadGenerator()), seconds(ticks.others()), idle, gcPauses,
        gcSeconds * 1000);
  }

  private static double seconds(long ticks) {
    return (double) ticks / CpuTicks.TICKS_PER_SECOND;
  }

  public static String latency(String scenario, String load, String rate, LatencySummary s, String achieved,
      String errors) {
    return "| " + scenario + " | " + load + " | " + rate + " | " + LatencySummary.millis(s.p50Micros()) + " | "
        + LatencySummary.millis(s.p90Micros()) + " | " + LatencySummary.millis(s.p99Micros()) + " | "
        + LatencySummary.millis(s.maxMicros()) + " | " + achieved + " | " + errors + " |";
  }

  public static String heap(int sessions, long baselineBytes, long loadedBytes) {
    return "| " + grouped(sessions) + " | " + mib(baselineBytes) + " | " + mib(loadedBytes) + " | "
        + grouped(Math.round((double) (loadedBytes - baselineBytes) / sessions)) + " B |";
  }

  /** {@code 12345 -> "12,345"}. */
  public static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Bytes as MiB with one decimal, e.g. {@code "52.3 MiB"}. */
  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  static void append(Path file, String row) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
