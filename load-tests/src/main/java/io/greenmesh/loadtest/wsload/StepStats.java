package io.greenmesh.loadtest.wsload;

import org.HdrHistogram.Histogram;

/**
 * What the receivers of one event loop observed in one step: the one-way latency of each message (from its intended
 * send time, so a late sender counts against the latency, as open-loop load requires), how many arrived, how many
 * broke the order of their sender → receiver pair, and errors. Touched only by its event loop, so nothing is
 * synchronized; {@link #merge} adds the loops' stats up once the step is over.
 */
public final class StepStats {
  private static final long MAX_MICROS = 60_000_000L;

  final Histogram latency = new Histogram(MAX_MICROS, 3);
  long delivered;
  long outOfOrder;
  long late; // stamped with an earlier step: stragglers of the step before, not counted as delivered
  long errors;

  /** One stamped message received at {@code nowNanos}; {@code inOrder} says whether its seq followed the last. */
  public void received(long sentNanos, long nowNanos, boolean inOrder) {
    delivered++;
    if (!inOrder) {
      outOfOrder++;
    }
    latency.recordValue(Math.max(0, Math.min(MAX_MICROS, (nowNanos - sentNanos) / 1000)));
  }

  public void error() {
    errors++;
  }

  /** The sums over several loops' stats of the same step. */
  public record Totals(long delivered, long outOfOrder, long late, long errors, Histogram latency) {
    public long p99Micros() {
      return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99);
    }
  }

  public static Totals merge(Iterable<StepStats> parts) {
    Histogram all = new Histogram(MAX_MICROS, 3);
    long delivered = 0;
    long outOfOrder = 0;
    long late = 0;
    long errors = 0;
    for (StepStats s : parts) {
      all.add(s.latency);
      delivered += s.delivered;
      outOfOrder += s.outOfOrder;
      late += s.late;
      errors += s.errors;
    }
    return new Totals(delivered, outOfOrder, late, errors, all);
  }
}
