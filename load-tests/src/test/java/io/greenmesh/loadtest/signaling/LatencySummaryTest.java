package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void microsecondsAreShownAsMillisecondsWithTwoDecimals() {
    assertEquals("0.00", LatencySummary.millis(0));
    assertEquals("0.05", LatencySummary.millis(50));
    assertEquals("1.23", LatencySummary.millis(1234));
    assertEquals("1.24", LatencySummary.millis(1235));
    assertEquals("60000.00", LatencySummary.millis(60_000_000));
  }

  @Test
  void percentilesOfOneToAThousandMilliseconds() {
    Histogram h = LatencySummary.newHistogram();
    for (long ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * 1000);
    }
    LatencySummary s = LatencySummary.of(h);
    assertEquals(1000, s.count());
    assertEquals("500", millisRounded(s.p50Micros()));
    assertEquals("900", millisRounded(s.p90Micros()));
    assertEquals("990", millisRounded(s.p99Micros()));
    assertEquals("1000", millisRounded(s.maxMicros()));
  }

  @Test
  void aProgressLineNamesEveryPercentile() {
    assertEquals("n=1000 p50=0.50 p90=0.90 p99=9.90 max=100.00 ms",
        new LatencySummary(1000, 500, 900, 9900, 100_000).line());
  }

  @Test
  void anEmptyHistogramSaysSo() {
    LatencySummary s = LatencySummary.of(LatencySummary.newHistogram());
    assertEquals(new LatencySummary(0, 0, 0, 0, 0), s);
    assertEquals("n=0", s.line());
  }

  @Test
  void aTableRowHasEveryColumn() {
    String row = ReportRows.latency("join → welcome", "1,000 sessions, rooms of 4", "500 joins/s",
        new LatencySummary(1000, 1200, 2500, 9870, 15000), "499 joins/s", "0");
    assertEquals("| join → welcome | 1,000 sessions, rooms of 4 | 500 joins/s | 1.20 | 2.50 | 9.87 | 15.00 "
        + "| 499 joins/s | 0 |", row);
    assertEquals(ReportRows.LATENCY_HEADER.lines().findFirst().orElseThrow().split("\\|").length,
        row.split("\\|").length);
  }

  @Test
  void heapPerSessionIsTheGrowthDividedBySessions() {
    assertEquals("| 1,000 | 40.0 MiB | 50.0 MiB | 10,486 B |",
        ReportRows.heap(1000, 40L * 1024 * 1024, 50L * 1024 * 1024));
  }

  /** HdrHistogram reports the highest value equivalent to a bucket; round to whole milliseconds. */
  private static String millisRounded(long micros) {
    return Long.toString(Math.round(micros / 1000.0));
  }
}
