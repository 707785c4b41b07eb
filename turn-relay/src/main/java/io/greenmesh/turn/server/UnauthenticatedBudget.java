package io.greenmesh.turn.server;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the relay may say to a source that has not authenticated (401 challenges, Binding responses): at most
 * {@code rate} answers per second per source IP, and never more bytes than {@code amplification} times the bytes
 * that source sent, so a spoofed source cannot turn the relay into an amplifier. With amplification 1.0 a client
 * whose first request is smaller than the challenge gets its answer on its first retransmission.
 */
public final class UnauthenticatedBudget {

    private static final int MAX_SOURCES = 100_000;
    private static final int MAX_CREDIT_BYTES = 4096;

    private final double rate;
    private final int burst;
    private final double amplification;
    private final Map<InetAddress, Source> sources = new ConcurrentHashMap<>();

    private final class Source {
        final TokenBucket answers = new TokenBucket(rate, burst);
        double creditBytes;
    }

    public UnauthenticatedBudget(double rate, int burst, double amplification) {
        this.rate = rate;
        this.burst = burst;
        this.amplification = amplification;
    }

    /**
     * Records a request of {@code requestBytes}; true when an answer of {@code responseBytes} may be sent.
     * {@code spoofable} sources (UDP) are held to the byte budget; all are held to the rate.
     */
    public boolean allow(InetAddress source, int requestBytes, int responseBytes, boolean spoofable) {
        if (sources.size() > MAX_SOURCES) {
            sources.clear(); // a flood of sources: forget them all rather than grow without bound
        }
        Source s = sources.computeIfAbsent(source, a -> new Source());
        synchronized (s) {
            if (!spoofable) {
                return s.answers.tryTake(1);
            }
            s.creditBytes = Math.min(MAX_CREDIT_BYTES, s.creditBytes + requestBytes * amplification);
            if (s.creditBytes < responseBytes || !s.answers.tryTake(1)) {
                return false;
            }
            s.creditBytes -= responseBytes;
            return true;
        }
    }
}
