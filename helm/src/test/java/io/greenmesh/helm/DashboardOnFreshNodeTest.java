package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every panel has data on a node nobody has used yet: each metric the dashboard's expressions read is already in
 * /metrics of a fresh node (embedded relay on, as by default) and of a fresh standalone relay, with no client ever
 * connected. Only the ports and the loopback bind addresses differ from the defaults, so that the test can run beside
 * others; nothing else is set.
 */
class DashboardOnFreshNodeTest {
  private static final Path ROOT = Chart.root();
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "and", "or", "unless", "bool", "offset");

  private static final List<Process> started = new ArrayList<>();
  private static Path work;
  private static String nodeMetrics;
  private static String relayMetrics;

  @BeforeAll
  static void startAFreshNodeAndRelay() throws Exception {
    Path nodeJar = ROOT.resolve("signaling-cluster/target/greenmesh.jar");
    Path relayJar = ROOT.resolve("turn-relay/target/greenmesh-turn.jar");
    assertTrue(Files.isRegularFile(nodeJar) && Files.isRegularFile(relayJar),
        "build the modules first (mvn package -DskipTests, or the whole reactor)");
    work = Files.createDirectories(ROOT.resolve("helm/target/dashboard-fresh"));
    int httpPort = Net.freePort();
    int relayMetricsPort = Net.freePort();
    int turnPort = Net.freePort();
    int relayTurnPort = Net.freePort();
    int rangeStart = 45000 + (turnPort % 500) * 4;
    started.add(java(nodeJar, "node", Map.ofEntries(
        Map.entry("GREENMESH_HTTP_HOST", "127.0.0.1"), Map.entry("GREENMESH_HTTP_PORT", String.valueOf(httpPort)),
        Map.entry("GREENMESH_MANAGEMENT_HOST", "127.0.0.1"),
        Map.entry("GREENMESH_MANAGEMENT_PORT", String.valueOf(Net.freePort())),
        Map.entry("GREENMESH_CLUSTER_PORT", String.valueOf(Net.freePort())),
        Map.entry("GREENMESH_TURN_HOST", "127.0.0.1"), Map.entry("GREENMESH_TURN_PORT", String.valueOf(turnPort)),
        Map.entry("GREENMESH_TURN_TLS_PORT", String.valueOf(Net.freePort())),
        Map.entry("GREENMESH_TURN_RELAY_PORT_MIN", String.valueOf(rangeStart)),
        Map.entry("GREENMESH_TURN_RELAY_PORT_MAX", String.valueOf(rangeStart + 1)))));
    started.add(java(relayJar, "relay", Map.of(
        "GREENMESH_TURN_HOST", "127.0.0.1", "GREENMESH_TURN_PORT", String.valueOf(relayTurnPort),
        "GREENMESH_TURN_TLS_PORT", String.valueOf(Net.freePort()),
        "GREENMESH_TURN_METRICS_PORT", String.valueOf(relayMetricsPort), "GREENMESH_TURN_SECRET", "fresh-relay-secret",
        "GREENMESH_TURN_RELAY_PORT_MIN", String.valueOf(rangeStart + 2),
        "GREENMESH_TURN_RELAY_PORT_MAX", String.valueOf(rangeStart + 3))));
    Net.await("fresh node ready", Duration.ofSeconds(120), () -> Net.status(httpPort, "/ready") == 200,
        () -> tail(work.resolve("node.log")));
    Net.await("fresh relay metrics", Duration.ofSeconds(60), () -> Net.status(relayMetricsPort, "/metrics") == 200,
        () -> tail(work.resolve("relay.log")));
    nodeMetrics = Net.get(httpPort, "/metrics");
    relayMetrics = Net.get(relayMetricsPort, "/metrics");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
    }
    for (Process p : started) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void everyMetricTheDashboardReadsExistsBeforeAnyTraffic() {
    Map<String, Set<String>> missing = new TreeMap<>();
    for (Dashboard.Query q : Dashboard.queries()) {
      for (String name : metricNames(q.expr())) {
        if (!exposes(nodeMetrics, name) && !exposes(relayMetrics, name)) {
          missing.computeIfAbsent(name, n -> new TreeSet<>()).add(q.panel());
        }
      }
    }
    assertEquals(Map.of(), missing, "metrics (and the panels reading them) absent on a fresh node and relay");
  }

  @Test
  void refusalsAndDropsAreAtZeroByTheirReasons() {
    for (String metrics : List.of(nodeMetrics, relayMetrics)) {
      for (String series : List.of("greenmesh_turn_allocations_refused_total{reason=\"user_quota\"} 0.0",
          "greenmesh_turn_auth_failures_total{reason=\"wrong_credentials\"} 0.0",
          "greenmesh_turn_dropped_packets_total{reason=\"plaintext\"} 0.0")) {
        assertTrue(metrics.contains(series), series);
      }
    }
    for (String series : List.of("greenmesh_signaling_messages_received_total{type=\"join\"} 0.0",
        "greenmesh_signaling_messages_sent_total{type=\"welcome\"} 0.0",
        "greenmesh_signaling_resumes_total{outcome=\"resumed\"} 0.0",
        "greenmesh_signaling_connections_closed_total{reason=\"rate-limited\"} 0.0")) {
      assertTrue(nodeMetrics.contains(series), series);
    }
  }

  @Test
  void theNameParserFindsMetricsNotFunctionsOrLabels() {
    assertEquals(Set.of("a_bucket", "b_total"), metricNames(
        "histogram_quantile(0.5, sum by (le) (rate(a_bucket{job=~\"$job\", x=\"y\"}[$__rate_interval])))"
            + " / on (instance) max without (le) (b_total offset 5m)"));
  }

  /** The metric names a PromQL expression reads: identifiers that are no function, keyword or label. */
  static Set<String> metricNames(String expr) {
    String e = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
        .replaceAll("\\boffset\\s+\\w+", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(e);
    while (m.find()) {
      String word = m.group();
      boolean function = e.substring(m.end()).stripLeading().startsWith("(");
      boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
      if (!function && !number && !PROMQL_WORDS.contains(word)) {
        names.add(word);
      }
    }
    return names;
  }

  private static boolean exposes(String metrics, String name) {
    return metrics.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
  }

  private static Process java(Path jar, String name, Map<String, String> env) throws IOException {
    return JavaProcesses.start(jar, work.resolve(name + ".log"), env);
  }

  private static String tail(Path log) {
    return JavaProcesses.tail(log);
  }
}
