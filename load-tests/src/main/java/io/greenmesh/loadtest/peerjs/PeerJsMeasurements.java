package io.greenmesh.loadtest.peerjs;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where peers record what they observe, safe from any thread: one-way latencies and deliveries by the step the
 * message was sent in (a late arrival still counts for its own step), a running interval histogram for progress
 * output, and errors by kind and by the step that was running when they happened.
 */
final class PeerJsMeasurements {
  private static final long HIGHEST_MICROS = 60_000_000L;

  /** One step's observations. */
  static final class Step {
    final Recorder all = new Recorder(HIGHEST_MICROS, 3);
    final Recorder sdp = new Recorder(HIGHEST_MICROS, 3);
    final LongAdder delivered = new LongAdder();
    final AtomicLong errors = new AtomicLong();
    final Histogram allTotal = new Histogram(HIGHEST_MICROS, 3);
    final Histogram sdpTotal = new Histogram(HIGHEST_MICROS, 3);

    /** Folds what was recorded since the last call into the totals; only one thread may call it. */
    synchronized void collect() {
      allTotal.add(all.getIntervalHistogram());
      sdpTotal.add(sdp.getIntervalHistogram());
    }
  }

  private final Step[] steps;
  private final Recorder progress = new Recorder(HIGHEST_MICROS, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private volatile int currentStep;

  PeerJsMeasurements(int stepCount) {
    steps = new Step[stepCount];
    for (int i = 0; i < stepCount; i++) {
      steps[i] = new Step();
    }
  }

  void currentStep(int step) {
    currentStep = step;
  }

  Step step(int step) {
    return steps[step];
  }

  void delivered(PeerJsFrames.Relayed r, long latencyNanos) {
    if (r.step() < 0 || r.step() >= steps.length) {
      error("relayed-with-unknown-step");
      return;
    }
    long micros = Math.min(HIGHEST_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
    Step s = steps[r.step()];
    s.all.recordValue(micros);
    if (r.kind().isSdp()) {
      s.sdp.recordValue(micros);
    }
    s.delivered.increment();
    progress.recordValue(micros);
  }

  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    steps[currentStep].errors.incrementAndGet();
  }

  /** Latencies of every step since the last call, for progress output. */
  Histogram progressInterval() {
    return progress.getIntervalHistogram();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every error kind seen so far, with its count, sorted by kind. */
  Map<String, Long> errorsByKind() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
