package io.greenmesh.loadtest.wsload;

import io.greenmesh.loadtest.signaling.CpuTicks;
import java.util.Locale;

/**
 * One measured rate against one server, one tab-separated line of the generator's results: what was offered, sent
 * and delivered, order and errors, latency, and the CPU of the server, of the generator itself and of everything
 * else on the machine (clock ticks, {@link CpuTicks#TICKS_PER_SECOND} a second) over the step and its drain.
 */
public record LadderStep(String server, int offered, double seconds, long sent, long delivered, long outOfOrder,
    long errors, long p50Micros, long p99Micros, long maxMicros, long serverTicks, long generatorTicks,
    long otherTicks, long maxLagMicros) {

  public static final int FIELDS = 14;

  public long lost() {
    return Math.max(0, sent - delivered);
  }

  /** p99 within the target, nothing lost, nothing out of order, no error. */
  public boolean meets(long targetP99Micros) {
    return sent > 0 && p99Micros <= targetP99Micros && lost() == 0 && outOfOrder == 0 && errors == 0;
  }

  public double serverMicrosPerMessage() {
    return perMessage(serverTicks);
  }

  public double generatorMicrosPerMessage() {
    return perMessage(generatorTicks);
  }

  public double generatorCores() {
    return seconds == 0 ? 0 : generatorTicks / (double) CpuTicks.TICKS_PER_SECOND / seconds;
  }

  public double serverCores() {
    return seconds == 0 ? 0 : serverTicks / (double) CpuTicks.TICKS_PER_SECOND / seconds;
  }

  private double perMessage(long ticks) {
    return delivered == 0 ? 0 : ticks * (1e6 / CpuTicks.TICKS_PER_SECOND) / delivered;
  }

  public String toTsv() {
    return String.join("\t", server, Integer.toString(offered), String.format(Locale.ROOT, "%.3f", seconds),
        Long.toString(sent), Long.toString(delivered), Long.toString(outOfOrder), Long.toString(errors),
        Long.toString(p50Micros), Long.toString(p99Micros), Long.toString(maxMicros), Long.toString(serverTicks),
        Long.toString(generatorTicks), Long.toString(otherTicks), Long.toString(maxLagMicros));
  }

  public static LadderStep fromTsv(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != FIELDS) {
      throw new IllegalArgumentException("expected " + FIELDS + " tab-separated fields, got " + f.length);
    }
    return new LadderStep(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
        Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
        Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]),
        Long.parseLong(f[12]), Long.parseLong(f[13]));
  }
}
