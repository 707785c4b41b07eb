package io.greenmesh.loadtest.report;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table of Gatling runs: per request, count, failures, and the 50th, 95th and 99th percentile and maximum
 * of the response times of the successful ones (ms). Reads each report's {@code js/stats.js} (Gatling 3.13 writes the
 * statistics there as a JavaScript object literal, {@code var stats = {...}}; there is no stats.json any more).
 * Gatling's {@code percentiles1..4} are its configured percentiles, by default 50, 75, 95 and 99 (gatling.conf of
 * the simulations leaves them so). Requests whose name starts with {@code "send "} are left out: Gatling reports
 * every WebSocket send as a request of 0 ms.
 *
 * <pre>
 *   java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.report.GatlingSummary RUNS.tsv [REPORTS_DIR]
 * </pre>
 *
 * RUNS.tsv has one run a line, {@code label<TAB>report directory} (relative to REPORTS_DIR, default the file's
 * directory); the table is printed on standard output.
 */
public final class GatlingSummary {
  private static final JsonMapper JS = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .build();
  static final String SEND_PREFIX = "send ";

  /** One request of one run. Times in ms; -1 where Gatling has none (no successful request). */
  record Row(String run, String request, long count, long failed, long p50, long p95, long p99, long max) {}

  private GatlingSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: GatlingSummary RUNS.tsv [REPORTS_DIR]");
      System.exit(64);
    }
    Path runs = Path.of(args[0]);
    Path reports = args.length == 2 ? Path.of(args[1]) : runs.toAbsolutePath().getParent();
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(runs, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\t", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("not 'label<TAB>directory': " + line);
      }
      rows.addAll(rows(parts[0], reports.resolve(parts[1].trim())));
    }
    System.out.print(markdown(rows));
  }

  /** The rows of the report in {@code reportDir}, labelled {@code run}. */
  static List<Row> rows(String run, Path reportDir) {
    Path stats = reportDir.resolve("js").resolve("stats.js");
    try {
      return rows(run, parseStatsJs(Files.readString(stats, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stats, e);
    }
  }

  static List<Row> rows(String run, JsonNode root) {
    List<Row> rows = new ArrayList<>();
    collect(run, root.path("contents"), rows);
    return rows;
  }

  private static void collect(String run, JsonNode contents, List<Row> rows) {
    for (JsonNode node : contents) {
      if ("GROUP".equals(node.path("type").asText())) {
        collect(run, node.path("contents"), rows);
        continue;
      }
      JsonNode s = node.path("stats");
      String name = s.path("name").asText(node.path("name").asText());
      if (name.startsWith(SEND_PREFIX)) {
        continue;
      }
      rows.add(new Row(run, name,
          number(s.path("numberOfRequests").path("total")),
          number(s.path("numberOfRequests").path("ko")),
          number(s.path("percentiles1").path("ok")),
          number(s.path("percentiles3").path("ok")),
          number(s.path("percentiles4").path("ok")),
          number(s.path("maxResponseTime").path("ok"))));
    }
  }

  /** The object literal assigned to {@code var stats} in Gatling's stats.js. */
  static JsonNode parseStatsJs(String js) throws IOException {
    int start = js.indexOf('{', js.indexOf("var stats"));
    if (js.indexOf("var stats") < 0 || start < 0) {
      throw new IOException("no 'var stats = {...}' in stats.js");
    }
    return JS.readTree(js.substring(start, matchingBrace(js, start) + 1));
  }

  private static int matchingBrace(String s, int open) throws IOException {
    int depth = 0;
    boolean inString = false;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    throw new IOException("unbalanced braces in stats.js");
  }

  private static long number(JsonNode n) {
    if (n.isNumber()) {
      return n.asLong();
    }
    try {
      return Long.parseLong(n.asText().trim());
    } catch (NumberFormatException e) {
      return -1; // Gatling writes "-" where there is nothing
    }
  }

  static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append("| Run | Request | Count | Failed | p50 ms | p95 ms | p99 ms | max ms |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      md.append("| ").append(r.run()).append(" | ").append(r.request().replace("|", "\\|"))
          .append(" | ").append(r.count()).append(" | ").append(r.failed())
          .append(" | ").append(ms(r.p50())).append(" | ").append(ms(r.p95()))
          .append(" | ").append(ms(r.p99())).append(" | ").append(ms(r.max())).append(" |\n");
    }
    return md.toString();
  }

  private static String ms(long v) {
    return v < 0 ? "–" : Long.toString(v);
  }
}
