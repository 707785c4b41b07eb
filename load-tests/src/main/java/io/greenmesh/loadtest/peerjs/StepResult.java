package io.greenmesh.loadtest.peerjs;

import io.greenmesh.loadtest.signaling.CpuTicks;
import io.greenmesh.loadtest.signaling.LatencySummary;
import java.util.Locale;

/**
 * One measured rate against one server: what was offered and sent, what arrived and how fast, what went wrong, and
 * the CPU each side took — the server measured, the other server (idle meanwhile, when two are compared), the load
 * generator and every other process (clock ticks, {@link CpuTicks#TICKS_PER_SECOND} a second). Stored one per line,
 * tab-separated, so that a report can be made from the two servers' runs.
 */
public record StepResult(
    String server,
    int offeredRate,
    double seconds,
    long sent,
    long delivered,
    LatencySummary latency,
    long sdpP99Micros,
    long errors,
    long serverCpuTicks,
    long idleServerCpuTicks,
    long loadGeneratorCpuTicks,
    long otherCpuTicks,
    long maxLagMicros,
    String loadAverage) {

  public static final String HEADER = String.join("\t", "server", "offered", "seconds", "sent", "delivered", "p50_us",
      "p90_us", "p99_us", "max_us", "sdp_p99_us", "errors", "server_ticks", "idle_server_ticks",
      "loadgen_ticks", "other_ticks",
      "max_lag_us", "loadavg");

  /** Messages sent per second over the step. */
  public double sentPerSecond() {
    return seconds == 0 ? 0 : sent / seconds;
  }

  /** The server's CPU per delivered message, in microseconds (0 if none was delivered). */
  public double serverCpuMicrosPerMessage() {
    return delivered == 0 ? 0 : serverCpuTicks * (1e6 / CpuTicks.TICKS_PER_SECOND) / delivered;
  }

  /** The server's CPU over the step, in cores (1.0 = one core all the time). */
  public double serverCores() {
    return seconds == 0 ? 0 : serverCpuTicks / (double) CpuTicks.TICKS_PER_SECOND / seconds;
  }

  public boolean meets(long targetP99Micros) {
    return Workload.meets(latency.p99Micros(), errors, sent, delivered, targetP99Micros);
  }

  public String toTsv() {
    return String.join("\t", server, Integer.toString(offeredRate), String.format(Locale.ROOT, "%.3f", seconds),
        Long.toString(sent), Long.toString(delivered), Long.toString(latency.p50Micros()),
        Long.toString(latency.p90Micros()), Long.toString(latency.p99Micros()), Long.toString(latency.maxMicros()),
        Long.toString(sdpP99Micros), Long.toString(errors), Long.toString(serverCpuTicks),
        Long.toString(idleServerCpuTicks),
        Long.toString(loadGeneratorCpuTicks), Long.toString(otherCpuTicks), Long.toString(maxLagMicros),
        loadAverage.replace('\t', ' '));
  }

  public static StepResult fromTsv(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 17) {
      throw new IllegalArgumentException("expected 17 tab-separated fields, got " + f.length + ": " + line);
    }
    long delivered = Long.parseLong(f[4]);
    return new StepResult(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]), delivered,
        new LatencySummary(delivered, Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
            Long.parseLong(f[8])),
        Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]), Long.parseLong(f[12]),
        Long.parseLong(f[13]), Long.parseLong(f[14]), Long.parseLong(f[15]), f[16]);
  }
}
