package io.greenmesh.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatlingSummaryTest {

  /** js/stats.js of a real JoinStormSimulation report (Gatling 3.13.5, 200 users), kept as text. */
  private static String statsJs() throws IOException {
    try (InputStream in = GatlingSummaryTest.class.getResourceAsStream("joinstorm-stats.js.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyRequestButTheSendsWithItsOkPercentiles() throws IOException {
    List<GatlingSummary.Row> rows = GatlingSummary.rows("join storm", GatlingSummary.parseStatsJs(statsJs()));
    assertEquals(List.of(
        new GatlingSummary.Row("join storm", "connect", 200, 0, 5, 90, 182, 190),
        new GatlingSummary.Row("join storm", "join", 200, 0, 3, 174, 217, 218),
        new GatlingSummary.Row("join storm", "close", 200, 0, 2, 44, 66, 67)), rows);
  }

  @Test
  void aMarkdownTableWithADashWhereGatlingHasNoValue() {
    String md = GatlingSummary.markdown(List.of(
        new GatlingSummary.Row("negotiation, rooms of 4", "relay candidate", 480, 0, 3, 9, 12, 50),
        new GatlingSummary.Row("reconnect", "resume", 3, 3, -1, -1, -1, -1)));
    assertEquals("""
        | Run | Request | Count | Failed | p50 ms | p95 ms | p99 ms | max ms |
        |---|---|---:|---:|---:|---:|---:|---:|
        | negotiation, rooms of 4 | relay candidate | 480 | 0 | 3 | 9 | 12 | 50 |
        | reconnect | resume | 3 | 3 | – | – | – | – |
        """, md);
  }

  @Test
  void groupsAreFlattened() throws IOException {
    JsonNode root = GatlingSummary.parseStatsJs("""
        var stats = { type: "GROUP", name: "All Requests", contents: { "g": { type: "GROUP", name: "pair",
          contents: { "r": { type: "REQUEST", name: "relay candidate", stats: { "name": "relay candidate",
            "numberOfRequests": {"total": "2", "ok": "1", "ko": "1"}, "maxResponseTime": {"ok": "9"},
            "percentiles1": {"ok": "9"}, "percentiles3": {"ok": "9"}, "percentiles4": {"ok": "9"} } } } } } };
        function fillStats(stat) { }
        """);
    assertEquals(List.of(new GatlingSummary.Row("r", "relay candidate", 2, 1, 9, 9, 9, 9)),
        GatlingSummary.rows("r", root));
  }

  @Test
  void notAStatsFileIsSaidSo() {
    IOException e = assertThrows(IOException.class, () -> GatlingSummary.parseStatsJs("function fillStats(){}"));
    assertTrue(e.getMessage().contains("var stats"), e.getMessage());
  }
}
