package io.greenmesh.signaling.session;

/** A token bucket for per-connection message rates. Not thread-safe: one actor owns it. */
public final class TokenBucket {
  private final double ratePerNano;
  private final double capacity;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, int burst, long nowNanos) {
    this.ratePerNano = perSecond / 1e9;
    this.capacity = burst;
    this.tokens = burst;
    this.last = nowNanos;
  }

  /** How long until a token is there (0: there is one now). Does not take it. */
  public long nanosUntilToken(long nowNanos) {
    double have = Math.min(capacity, tokens + (nowNanos - last) * ratePerNano);
    return have >= 1 ? 0 : (long) Math.ceil((1 - have) / ratePerNano);
  }

  /** Takes one token if there is one. */
  public boolean tryTake(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - last) * ratePerNano);
    last = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
