package io.greenmesh.signaling.session;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Rate-limit strikes in a sliding window: a connection that keeps hitting its limit is closed. Not thread-safe: one
 * actor owns it. The queue is made on the first strike, since most connections never get one.
 */
public final class StrikeWindow {
  private final long windowNanos;
  private final int limit;
  private ArrayDeque<Long> strikes;

  public StrikeWindow(Duration window, int limit) {
    this.windowNanos = window.toNanos();
    this.limit = limit;
  }

  /** Records a strike at {@code nowNanos}; true when {@code limit} strikes fall within the window. */
  public boolean strike(long nowNanos) {
    if (strikes == null) {
      strikes = new ArrayDeque<>();
    }
    long windowStart = nowNanos - windowNanos;
    while (!strikes.isEmpty() && strikes.peekFirst() < windowStart) {
      strikes.pollFirst();
    }
    strikes.addLast(nowNanos);
    return strikes.size() >= limit;
  }
}
