package io.greenmesh.signaling.session;

import java.time.Duration;

/**
 * A connection's message budget (issue 13: throttle, don't disconnect). A message within the budget goes at once; a
 * message over it waits until the budget refills, and while it waits the transport reads nothing more from the
 * connection, so a fast sender is slowed to the budget's rate and loses nothing. Only a connection held back for
 * {@code abuseLimit} messages within {@code abuseWindow} — a sustained flood far beyond any negotiation, see
 * docs/security.md — counts as abuse. Not thread-safe: one actor owns it.
 */
public final class Throttle {
  private final TokenBucket bucket;
  private final long windowNanos;
  private final int abuseLimit;
  private long windowStart;
  private int heldInWindow;

  public Throttle(double perSecond, int burst, int abuseLimit, Duration abuseWindow, long nowNanos) {
    this.bucket = new TokenBucket(perSecond, burst, nowNanos);
    this.windowNanos = abuseWindow.toNanos();
    this.abuseLimit = abuseLimit;
    this.windowStart = nowNanos;
  }

  /** What {@link #admit} answers for a connection whose holding back amounts to abuse. */
  public static final long ABUSE = -1;

  /**
   * Takes the budget of one message: 0 when it may go now; else how long it must wait (nothing taken, the message
   * counted as held back), or {@link #ABUSE}.
   */
  public long admit(long nowNanos) {
    long wait = bucket.nanosUntilToken(nowNanos);
    if (wait == 0) {
      bucket.tryTake(nowNanos);
      return 0;
    }
    return heldBack(nowNanos) ? ABUSE : wait;
  }

  private boolean heldBack(long nowNanos) {
    if (nowNanos - windowStart > windowNanos) {
      windowStart = nowNanos;
      heldInWindow = 0;
    }
    return ++heldInWindow >= abuseLimit;
  }
}
