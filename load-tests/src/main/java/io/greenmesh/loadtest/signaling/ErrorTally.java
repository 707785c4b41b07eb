package io.greenmesh.loadtest.signaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What went wrong, by phase and kind ({@code error:rate-limited}, {@code close:1011}, {@code send-failed}, …), with
 * when it was first and last seen, in seconds since the run started.
 */
final class ErrorTally {
  private record Key(String phase, String kind) {}

  private static final class Seen {
    final AtomicLong count = new AtomicLong();
    final long firstNanos;
    volatile long lastNanos;

    Seen(long now) {
      firstNanos = now;
      lastNanos = now;
    }
  }

  private final long startNanos;
  private final Map<Key, Seen> seen = new ConcurrentHashMap<>();
  private volatile String phase = "setup";

  ErrorTally(long startNanos) {
    this.startNanos = startNanos;
  }

  void phase(String name) {
    phase = name;
  }

  void record(String kind) {
    long now = System.nanoTime();
    Seen s = seen.computeIfAbsent(new Key(phase, kind), k -> new Seen(now));
    s.count.incrementAndGet();
    s.lastNanos = now;
  }

  /** A compact description of {@code phase}'s errors, e.g. {@code error:internal×3}, or {@code 0}. */
  String brief(String phaseName) {
    List<String> parts = new ArrayList<>();
    seen.forEach((k, s) -> {
      if (k.phase().equals(phaseName)) {
        parts.add(k.kind() + "×" + s.count.get());
      }
    });
    parts.sort(null);
    return parts.isEmpty() ? "0" : String.join(", ", parts);
  }

  /** One line per phase and kind, for the end of the run. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    seen.forEach((k, s) -> out.add(String.format(java.util.Locale.ROOT, "%s %s ×%d (first +%.1f s, last +%.1f s)",
        k.phase(), k.kind(), s.count.get(), (s.firstNanos - startNanos) / 1e9, (s.lastNanos - startNanos) / 1e9)));
    out.sort(null);
    return out;
  }
}
