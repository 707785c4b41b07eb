package io.greenmesh.loadtest.signaling;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Open-loop pacing on the calling thread: action {@code i} is due at {@code start + i / rate}, whatever became of
 * action {@code i - 1}. When the thread falls behind it catches up at once and the lag is reported, so a slow
 * generator shows up as lag instead of silently lowering the rate.
 */
public final class Pacer {
  private Pacer() {}

  /** How a paced loop went: actions issued, the worst lag behind schedule, the time it took. */
  public record Outcome(long issued, long maxLagMicros, long elapsedNanos, boolean stoppedAtDeadline) {
    public double perSecond() {
      return elapsedNanos == 0 ? 0 : issued * 1e9 / elapsedNanos;
    }
  }

  /** Called every {@code progressEveryNanos} with the actions issued so far. */
  public interface Progress {
    void report(long issued, long elapsedNanos);
  }

  public static Outcome run(long count, double perSecond, long deadlineNanos, LongConsumer action,
      long progressEveryNanos, Progress progress) {
    long start = System.nanoTime();
    long nextProgress = start + progressEveryNanos;
    long maxLag = 0;
    long i = 0;
    boolean stopped = false;
    for (; i < count; i++) {
      long due = start + (long) (i * 1e9 / perSecond);
      long now = System.nanoTime();
      if (now >= deadlineNanos) {
        stopped = true;
        break;
      }
      if (now < due) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      maxLag = Math.max(maxLag, now - due);
      action.accept(i);
      if (now >= nextProgress) {
        progress.report(i + 1, now - start);
        nextProgress += progressEveryNanos;
      }
    }
    return new Outcome(i, TimeUnit.NANOSECONDS.toMicros(maxLag), System.nanoTime() - start, stopped);
  }
}
