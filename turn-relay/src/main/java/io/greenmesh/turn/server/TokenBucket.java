package io.greenmesh.turn.server;

/** A token bucket on {@link System#nanoTime()}; allocation-free, synchronized (rarely contended). */
public final class TokenBucket {

    private final double ratePerSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, double capacity) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = System.nanoTime();
    }

    /** Takes {@code amount} tokens if there are that many. */
    public synchronized boolean tryTake(double amount) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastNanos) * ratePerSecond / 1e9);
        lastNanos = now;
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
