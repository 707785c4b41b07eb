package io.greenmesh.loadtest.wsload;

import java.util.ArrayList;
import java.util.List;

/**
 * The offered rates of a run, lowest first, and when a server is not stepped further. Written either as a list
 * ({@code 2000,4000,8000}) or as a geometric ladder {@code FROM..TO*FACTOR} ({@code 2000..64000*2} is 2,000, 4,000,
 * … 64,000), so that "raise it until it fails" needs no guess of where the failure is.
 */
public record RateLadder(List<Integer> rates) {
  public RateLadder {
    rates = List.copyOf(rates);
    if (rates.isEmpty()) {
      throw new IllegalArgumentException("a ladder needs at least one rate");
    }
  }

  public static RateLadder parse(String spec) {
    String s = spec.strip();
    List<Integer> out = new ArrayList<>();
    int dots = s.indexOf("..");
    if (dots >= 0) {
      int star = s.indexOf('*', dots);
      if (star < 0) {
        throw new IllegalArgumentException("a ladder is FROM..TO*FACTOR, e.g. 2000..64000*2: " + spec);
      }
      long from = positive(s.substring(0, dots), spec);
      long to = positive(s.substring(dots + 2, star), spec);
      double factor = Double.parseDouble(s.substring(star + 1).strip());
      if (factor <= 1 || to < from) {
        throw new IllegalArgumentException("a ladder climbs: FROM <= TO and FACTOR > 1: " + spec);
      }
      for (double r = from; Math.round(r) <= to && out.size() < 64; r *= factor) {
        out.add((int) Math.round(r));
      }
    } else {
      for (String r : s.split(",")) {
        if (!r.isBlank()) {
          out.add((int) positive(r, spec));
        }
      }
    }
    return new RateLadder(out);
  }

  private static long positive(String v, String spec) {
    long n = Long.parseLong(v.strip());
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("rates must be positive: " + spec);
    }
    return n;
  }

  /**
   * Whether a server goes on to the next rate: not once a step's p99 is over {@code stopP99Micros}, or a message
   * was lost, arrived out of order, or anything else went wrong.
   */
  public static boolean keepStepping(StepStats.Totals t, long sent, long stopP99Micros) {
    return t.p99Micros() <= stopP99Micros && t.errors() == 0 && t.outOfOrder() == 0 && t.delivered() == sent;
  }
}
