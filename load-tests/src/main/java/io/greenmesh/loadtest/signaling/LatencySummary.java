package io.greenmesh.loadtest.signaling;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds. */
public record LatencySummary(long count, long p50Micros, long p90Micros, long p99Micros, long maxMicros) {

  /** Microseconds up to one minute, to 3 significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(60_000_000L, 3);
  }

  public static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0);
    }
    return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getMaxValue());
  }

  /** Microseconds as milliseconds with two decimals, e.g. {@code 1234 -> "1.23"}. */
  public static String millis(long micros) {
    return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
  }

  /** One line for progress output, e.g. {@code n=1000 p50=1.20 p90=2.00 p99=3.10 max=9.80 ms}. */
  public String line() {
    if (count == 0) {
      return "n=0";
    }
    return "n=" + count + " p50=" + millis(p50Micros) + " p90=" + millis(p90Micros) + " p99=" + millis(p99Micros)
        + " max=" + millis(maxMicros) + " ms";
  }
}
