package io.greenmesh.loadtest.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.policy.PayloadClassifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The tool's pure parts: payload shape, REST credentials, rate stepping, plot input. No sockets. */
class TurnLoadPartsTest {

  @Test
  void payloadIsADtls12ApplicationDataRecordCarryingStepTimeAndSequence() {
    ByteBuffer buf = ByteBuffer.allocate(4 + 200);
    DtlsPayload.fill(buf, 4, 200);
    DtlsPayload.stamp(buf, 4, 0x1234_5678_9AL, 7, 123_456_789_012L);
    assertEquals(23, buf.get(4) & 0xFF);
    assertEquals(0xFE, buf.get(5) & 0xFF);
    assertEquals(0xFD, buf.get(6) & 0xFF);
    assertEquals(1, buf.getShort(7));
    assertEquals(200 - 13, buf.getShort(15) & 0xFFFF);
    assertTrue(DtlsPayload.isOurs(buf, 4, 200));
    assertFalse(DtlsPayload.isOurs(buf, 4, 199));
    assertEquals(7, DtlsPayload.step(buf, 4));
    assertEquals(123_456_789_012L, DtlsPayload.sendTime(buf, 4));
    assertEquals(0x1234_5678_9AL, DtlsPayload.sequence(buf, 4));
    assertThrows(IllegalArgumentException.class, () -> DtlsPayload.fill(buf, 0, DtlsPayload.MIN_SIZE - 1));
  }

  @Test
  void payloadPassesTheRelaysEncryptedOnlyCheckWithoutAHandshake() {
    for (int size : new int[] {DtlsPayload.MIN_SIZE, 200, 1200}) {
      ByteBuffer buf = ByteBuffer.allocate(size);
      DtlsPayload.fill(buf, 0, size);
      DtlsPayload.stamp(buf, 0, 42, 1, System.nanoTime());
      assertTrue(PayloadClassifier.classify(buf, 0, size, false).relay(), "size " + size);
    }
  }

  @Test
  void restCredentialsAreExpiryColonIdAndBase64HmacSha1() throws Exception {
    RestCredentials c = RestCredentials.of("s3cret", 1_700_000_000L, "alloc-0");
    assertEquals("1700000000:alloc-0", c.username());
    // printf '%s' 1700000000:alloc-0 | openssl dgst -sha1 -hmac s3cret -binary | base64
    assertEquals("oLp1VPDYR70uJdVA4MuD+RMxXmc=", c.password());
    byte[] md5 = MessageDigest.getInstance("MD5")
        .digest(("1700000000:alloc-0:greenmesh:" + c.password()).getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(md5, c.key("greenmesh"));
    assertThrows(IllegalArgumentException.class, () -> RestCredentials.of("", 1, "x"));
  }

  @Test
  void ratesGrowUntilAFailureIsConfirmedThenBisect() {
    RateSteps s = new RateSteps(10_000, 2, 1_000_000, 20, 2);
    List<Double> tried = new ArrayList<>();
    double capacity = 50_000;
    OptionalDouble next;
    while ((next = s.next()).isPresent()) {
      double r = next.getAsDouble();
      tried.add(r);
      s.record(r, r <= capacity);
    }
    // 10k, 20k, 40k pass; 80k fails twice; bisect 60k (fail), 50k (pass)
    assertEquals(List.of(10_000.0, 20_000.0, 40_000.0, 80_000.0, 80_000.0, 60_000.0, 50_000.0), tried);
    assertEquals(50_000, s.bestPassed());
  }

  @Test
  void aSingleFailureIsRetriedAndTheSearchContinuesIfTheRetryPasses() {
    RateSteps s = new RateSteps(1_000, 2, 4_000, 10, 1);
    s.record(1_000, true);
    assertEquals(2_000, s.next().getAsDouble());
    s.record(2_000, false); // a hiccup
    assertEquals(2_000, s.next().getAsDouble());
    s.record(2_000, true);
    assertEquals(4_000, s.next().getAsDouble());
    s.record(4_000, true); // the maximum rate passed: done
    assertTrue(s.next().isEmpty());
    assertEquals(4_000, s.bestPassed());
  }

  @Test
  void aStepTheGeneratorCouldNotDriveIsRepeatedTwiceThenCountsAsAFailure() {
    RateSteps s = new RateSteps(1_000, 2, 100_000, 20, 0);
    s.record(1_000, true);
    s.inconclusive(2_000);
    s.inconclusive(2_000);
    assertEquals(2_000, s.next().getAsDouble());
    s.inconclusive(2_000); // third in a row: a failure, which is retried once like any other
    assertEquals(2_000, s.next().getAsDouble());
    s.record(2_000, false);
    assertTrue(s.next().isEmpty());
    assertEquals(1_000, s.bestPassed());
    assertEquals(5, s.steps());
  }

  @Test
  void stepsAreBoundedInCount() {
    RateSteps s = new RateSteps(1, 1.01, 1e9, 5, 0);
    int n = 0;
    OptionalDouble next;
    while ((next = s.next()).isPresent()) {
      s.record(next.getAsDouble(), true);
      n++;
    }
    assertEquals(5, n);
    assertThrows(IllegalArgumentException.class, () -> new RateSteps(0, 2, 10, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new RateSteps(1, 1, 10, 1, 0));
  }

  @Test
  void plotPoolsRoundsIntoOneSeriesPerServerWithTheMedianP99PerRate() {
    List<String> rows = List.of(TurnLoadGenerator.TSV_HEADER,
        "gm#1\t1\t20000\t20000\t20000\t0.000000\t45\t900\t2000\t0.5\t10.0\t0.6\t1.0\t0.1\t0\ttrue",
        "gm#1\t2\t10000\t10000\t10000\t0.000000\t40\t700\t1000\t0.3\t10.0\t0.3\t1.0\t0.1\t0\ttrue",
        "gm#2\t5\t20000\t20000\t20000\t0.000000\t45\t300\t2000\t0.5\t10.0\t0.6\t1.0\t0.1\t0\tfalse",
        "gm#3\t9\t20000\t20000\t20000\t0.000000\t45\t500\t2000\t0.5\t10.0\t0.6\t1.0\t0.1\t0\ttrue",
        "bare#1\t1\t20000\t20000\t19000\t0.050000\t30\t0\t500\t0.5\t10.0\t0.6\t1.0\t0.1\t0\tfalse");
    var series = LatencyPlot.read(rows);
    assertEquals(List.of("gm", "bare"), List.copyOf(series.keySet()));
    assertEquals(2, series.get("gm").size());
    assertEquals(10_000, series.get("gm").get(0).offered());
    assertEquals(500, series.get("gm").get(1).p99Micros()); // median of 300, 500, 900
    assertTrue(series.get("gm").get(1).passed()); // 2 of 3 passed
    assertEquals(1, series.get("bare").get(0).p99Micros()); // clamped for the log scale
    assertFalse(series.get("bare").get(0).passed());
  }
}
