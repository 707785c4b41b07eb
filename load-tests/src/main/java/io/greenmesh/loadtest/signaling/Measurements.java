package io.greenmesh.loadtest.signaling;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Where sessions record what they observe; safe to write from any thread. */
final class Measurements {
  private static final long HIGHEST_MICROS = 60_000_000L;

  final ErrorTally errors;
  private final Recorder joins = new Recorder(HIGHEST_MICROS, 3);
  private final Recorder signals = new Recorder(HIGHEST_MICROS, 3);
  private final LongAdder signalsDelivered = new LongAdder();

  Measurements(ErrorTally errors) {
    this.errors = errors;
  }

  void joined(long latencyNanos) {
    joins.recordValue(micros(latencyNanos));
  }

  void signalDelivered(long latencyNanos) {
    signals.recordValue(micros(latencyNanos));
    signalsDelivered.increment();
  }

  long signalsDelivered() {
    return signalsDelivered.sum();
  }

  /** Join latencies since the last call. */
  Histogram joinInterval() {
    return joins.getIntervalHistogram();
  }

  /** Signal latencies since the last call. */
  Histogram signalInterval() {
    return signals.getIntervalHistogram();
  }

  private static long micros(long nanos) {
    return Math.min(HIGHEST_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
  }
}
