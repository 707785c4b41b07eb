package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every panel of the Grafana dashboard shows data from a real scrape. Three signaling nodes ({@code java -jar},
 * one cluster by seed nodes) and the standalone relay run on loopback; WebSocket clients on different nodes join,
 * signal, report direct and relayed traffic, resume on another node and get closed for oversized frames; a TURN
 * client relays DTLS and SRTP through the relay and has plaintext dropped; Prometheus (the Debian binary, its own
 * config and data directory) scrapes all four every two seconds. Then each PromQL expression of each panel, with the
 * filters on "All", goes through Prometheus' HTTP API: it must parse and return at least one series. The alert
 * rules are evaluated on the same data: they read metrics that exist and stay quiet. Everything
 * started here is stopped by its process handle.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardAgainstPrometheusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TURN_SECRET = "dashboard-test-turn-secret-0123456789";
  private static final Path ROOT = Chart.root();

  private static final List<Process> started = new ArrayList<>();
  private static Path work;
  private static final int[] httpPorts = new int[3];
  private static int relayPort;
  private static int relayMetricsPort;
  private static int prometheusPort;

  @BeforeAll
  static void startClusterRelayAndPrometheus() throws Exception {
    Path prometheus = Tools.require("prometheus", "apt-get install prometheus");
    Path nodeJar = ROOT.resolve("signaling-cluster/target/greenmesh.jar");
    Path relayJar = ROOT.resolve("turn-relay/target/greenmesh-turn.jar");
    assertTrue(Files.isRegularFile(nodeJar) && Files.isRegularFile(relayJar),
        "build the modules first (mvn install -DskipTests, or the whole reactor)");
    work = Files.createDirectories(ROOT.resolve("helm/target/dashboard-it"));

    relayPort = Net.freePort();
    relayMetricsPort = Net.freePort();
    int relayMin = 47000 + (relayPort % 1000) * 2;
    started.add(java(relayJar, "relay", Map.of(
        "GREENMESH_TURN_HOST", "127.0.0.1", "GREENMESH_TURN_PORT", String.valueOf(relayPort),
        "GREENMESH_TURN_METRICS_PORT", String.valueOf(relayMetricsPort),
        "GREENMESH_TURN_RELAY_ADDRESS", "127.0.0.1", "GREENMESH_TURN_SECRET", TURN_SECRET,
        "GREENMESH_TURN_ALLOW_LOOPBACK_PEERS", "true", "GREENMESH_TURN_TCP_ENABLED", "false",
        "GREENMESH_TURN_RELAY_PORT_MIN", String.valueOf(relayMin),
        "GREENMESH_TURN_RELAY_PORT_MAX", String.valueOf(relayMin + 40))));

    int[] clusterPorts = {Net.freePort(), Net.freePort(), Net.freePort()};
    String seeds = "pekko://greenmesh@127.0.0.1:" + clusterPorts[0];
    for (int i = 0; i < 3; i++) {
      httpPorts[i] = Net.freePort();
      started.add(java(nodeJar, "node-" + (i + 1), Map.ofEntries(
          Map.entry("GREENMESH_HTTP_HOST", "127.0.0.1"), Map.entry("GREENMESH_HTTP_PORT", String.valueOf(httpPorts[i])),
          Map.entry("GREENMESH_MANAGEMENT_HOST", "127.0.0.1"),
          Map.entry("GREENMESH_MANAGEMENT_PORT", String.valueOf(Net.freePort())),
          Map.entry("GREENMESH_CLUSTER_HOST", "127.0.0.1"),
          Map.entry("GREENMESH_CLUSTER_PORT", String.valueOf(clusterPorts[i])),
          Map.entry("GREENMESH_SEED_NODES", seeds),
          Map.entry("GREENMESH_TURN_ENABLED", "false"),
          Map.entry("GREENMESH_TURN_SECRET", TURN_SECRET),
          Map.entry("GREENMESH_SESSION_SECRET", "dashboard-test-session-secret-0123456789"),
          Map.entry("GREENMESH_TURN_URLS", "turn:127.0.0.1:" + relayPort + "?transport=udp"),
          Map.entry("GREENMESH_STUN_URLS", "stun:127.0.0.1:" + relayPort),
          Map.entry("GREENMESH_PUBLIC_HOST", "127.0.0.1"))));
    }
    for (int i = 0; i < 3; i++) {
      int port = httpPorts[i];
      int node = i + 1;
      Net.await("node " + node + " ready in a three-member cluster", Duration.ofSeconds(120),
          () -> Net.status(port, "/ready") == 200
              && Net.get(port, "/metrics").contains("greenmesh_cluster_members{status=\"up\"} 3.0"),
          () -> tail(work.resolve("node-" + node + ".log")));
    }
    Net.await("relay metrics", Duration.ofSeconds(60), () -> Net.status(relayMetricsPort, "/metrics") == 200,
        () -> tail(work.resolve("relay.log")));

    prometheusPort = Net.freePort();
    Path config = work.resolve("prometheus.yml");
    StringBuilder targets = new StringBuilder();
    for (int port : httpPorts) {
      targets.append("'127.0.0.1:").append(port).append("', ");
    }
    Files.writeString(config, """
        global:
          scrape_interval: 2s
          scrape_timeout: 2s
          evaluation_interval: 2s
        scrape_configs:
          - job_name: greenmesh-signaling
            static_configs:
              - targets: [%s]
          - job_name: greenmesh-turn
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(targets.substring(0, targets.length() - 2), relayMetricsPort));
    Path data = work.resolve("prometheus-data");
    deleteTree(data);
    Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + prometheusPort,
        "--storage.tsdb.retention.time=1h", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    started.add(p);
    Net.await("Prometheus ready", Duration.ofSeconds(60), () -> Net.status(prometheusPort, "/-/ready") == 200,
        () -> tail(work.resolve("prometheus.log")));
    Net.await("Prometheus scraping all four targets", Duration.ofSeconds(30), () -> {
      JsonNode up = query("up == 1");
      return up != null && up.size() == 4;
    }, () -> String.valueOf(query("up")));
  }

  @AfterAll
  static void stopEverything() {
    // In reverse: Prometheus first, then the nodes (coordinated shutdown on SIGTERM), the relay last.
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  @Order(1)
  void everyPanelQueryReturnsSeriesFromARealScrape() throws Exception {
    driveTraffic();

    List<String> failures = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    List<Dashboard.Query> queries = Dashboard.queries();
    for (Dashboard.Query q : queries) {
      String expr = q.resolved("10m");
      JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
      String status = answer.path("status").asText();
      int series = answer.at("/data/result").size();
      report.append(String.format("%-3s %-45s %-8s %3d series  %s%n", q.refId(), q.panel(), status, series, expr));
      if (!status.equals("success") || series == 0) {
        failures.add(q.panel() + " [" + q.refId() + "] " + status + " " + answer.path("error").asText("no series")
            + ": " + expr);
      }
    }
    for (String variable : List.of("job", "instance", "relay")) {
      JsonNode v = Dashboard.json().at("/templating/list").findValues("name").stream()
          .filter(n -> n.asText().equals(variable)).findFirst().orElseThrow();
      assertNotNull(v);
    }
    assertTrue(api("/api/v1/label/instance/values?match[]=greenmesh_turn_allocations_active").at("/data").size() > 0,
        "the relay filter has values");
    assertEquals(3, api("/api/v1/label/instance/values?match[]=greenmesh_signaling_sessions_connected")
        .at("/data").size(), "the node filter lists the three nodes");
    // The traffic shows where it should, not just somewhere.
    Map<String, String> facts = Map.of(
        "members up (each node)", "min(greenmesh_cluster_members{status=\"up\"})",
        "cross-node messages", "sum(greenmesh_signaling_cross_node_messages_total)",
        "resumed", "sum(greenmesh_signaling_resumes_total{outcome=\"resumed\"})",
        "closed too-large", "sum(greenmesh_signaling_connections_closed_total{reason=\"too-large\"})",
        "relayed bytes client_to_peer", "sum(greenmesh_turn_relayed_bytes_total{direction=\"client_to_peer\"})",
        "relayed bytes peer_to_client", "sum(greenmesh_turn_relayed_bytes_total{direction=\"peer_to_client\"})",
        "plaintext dropped", "sum(greenmesh_turn_dropped_packets_total{reason=\"plaintext\"})",
        "direct media bytes", "sum(greenmesh_media_bytes_total{path=\"direct\"})",
        "relayed media bytes", "sum(greenmesh_media_bytes_total{path=\"relayed\"})",
        "CO2e avoided g (max preset)", "max(sum by (preset) (greenmesh_avoided_co2e_grams_total))");
    report.append("\nTotals after the traffic:\n");
    for (Map.Entry<String, String> f : new java.util.TreeMap<>(facts).entrySet()) {
      JsonNode r = query(f.getValue());
      double value = r == null || r.isEmpty() ? 0 : r.get(0).at("/value/1").asDouble();
      report.append(String.format("  %-32s %s%n", f.getKey(), value));
      if (value <= 0) {
        failures.add(f.getKey() + " is " + value + ": " + f.getValue());
      }
    }
    Files.writeString(work.resolve("queries.txt"), report.toString());
    assertTrue(failures.isEmpty(), () -> failures.size() + " of " + queries.size()
        + " panel queries returned nothing:\n" + String.join("\n", failures) + "\n\nall:\n" + report);
  }

  /**
   * The alert rules (promtool tests them on synthetic series) read metrics that really exist, and stay quiet on a
   * healthy cluster.
   */
  @Test
  @Order(2)
  @SuppressWarnings("unchecked")
  void alertRulesReadRealMetricsAndStayQuietOnAHealthyCluster() {
    String rendered = Chart.template("metrics:\n  prometheusRule:\n    enabled: true\n");
    Chart.Manifest rule = Chart.manifests(rendered).stream().filter(m -> m.kind().equals("PrometheusRule"))
        .findFirst().orElseThrow();
    List<String> problems = new ArrayList<>();
    int alerts = 0;
    for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) rule.map().get("spec"))
        .get("groups")) {
      for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
        alerts++;
        String alert = (String) r.get("alert");
        String expr = (String) r.get("expr");
        JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        if (!answer.path("status").asText().equals("success")) {
          problems.add(alert + " does not evaluate: " + answer.path("error").asText());
        } else if (answer.at("/data/result").size() > 0 && !alert.equals("GreenMeshJoinLatencyHigh")) {
          // Join latency depends on how busy this machine is; the others must be quiet on a healthy cluster.
          problems.add(alert + " fires on a healthy cluster: " + answer.at("/data/result"));
        }
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("greenmesh_\\w+").matcher(expr);
        while (names.find()) {
          JsonNode series = query("count({__name__=\"" + names.group() + "\"})");
          if (series == null || series.isEmpty()) {
            problems.add(alert + " reads " + names.group() + ", which no node or relay exports");
          }
        }
      }
    }
    assertEquals(5, alerts, "alerts in the rendered PrometheusRule");
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  /** Signaling across the three nodes, carbon reports, a resume, an abuse close, and relayed media. */
  private static void driveTraffic() throws Exception {
    try (SignalingClient a = new SignalingClient(httpPorts[0]);
         SignalingClient b = new SignalingClient(httpPorts[1]);
         SignalingClient c = new SignalingClient(httpPorts[2]);
         TurnClient turn = new TurnClient(relayPort, TURN_SECRET, "dashboard-a");
         TurnClient second = new TurnClient(relayPort, TURN_SECRET, "dashboard-b");
         DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      String pa = a.join("dashboard", "Ada").path("peerId").asText();
      JsonNode welcomeB = b.join("dashboard", "Bob");
      String pb = welcomeB.path("peerId").asText();
      assertTrue(welcomeB.path("iceServers").toString().contains("turn:127.0.0.1:" + relayPort), welcomeB.toString());
      String pc = c.join("dashboard", "Cy").path("peerId").asText();

      // Errors by code.
      a.send("{\"type\":\"no-such-type\"}");
      a.expect("error");
      a.send("{\"type\":\"signal\",\"to\":\"zzzzzzzzzzzzzzzz\",\"data\":{}}");
      a.expect("error");

      // A resume on another node.
      try (SignalingClient d = new SignalingClient(httpPorts[0]);
           SignalingClient e = new SignalingClient(httpPorts[1])) {
        String token = d.join("dashboard-resume", "Dee").path("sessionToken").asText();
        e.join("dashboard-resume", "Eve");
        d.abort();
        Thread.sleep(500);
        try (SignalingClient d2 = new SignalingClient(httpPorts[2])) {
          d2.send("{\"type\":\"resume\",\"sessionToken\":\"" + token + "\"}");
          assertTrue(d2.expect("welcome").path("resumed").asBoolean());
        }
      }

      // A connection closed for abuse: three oversized frames.
      try (SignalingClient f = new SignalingClient(httpPorts[1])) {
        f.join("dashboard-abuse", "Fay");
        String big = "{\"type\":\"broadcast\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}";
        for (int i = 0; i < 3; i++) {
          f.send(big);
        }
        assertTrue(f.closedByServer(Duration.ofSeconds(10)), "closed after three oversized frames");
      }

      // Relayed media: DTLS first, then SRTP both ways; plaintext is dropped; a second Allocate is refused.
      turn.allocate();
      InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
      turn.createPermission(peerAddress);
      turn.send(peerAddress, TurnClient.dtlsHandshakeRecord(120));
      peer.setSoTimeout(3000);
      DatagramPacket got = new DatagramPacket(new byte[2048], 2048);
      peer.receive(got);
      InetSocketAddress relayed = new InetSocketAddress(InetAddress.getLoopbackAddress(), turn.relayedPort());
      byte[] back = TurnClient.dtlsHandshakeRecord(90);
      peer.send(new DatagramPacket(back, back.length, relayed));
      assertNotNull(turn.receiveData(), "DTLS from the peer arrives as a Data indication");
      second.allocate();
      second.allocateWithoutTransport();

      long direct = 0;
      long viaRelay = 0;
      for (int round = 1; round <= 8; round++) {
        b.send("{\"type\":\"signal\",\"to\":\"" + pa + "\",\"data\":{\"candidate\":{\"candidate\":\"r" + round + "\"}}}");
        a.expect("signal");
        a.send("{\"type\":\"signal\",\"to\":\"" + pb + "\",\"data\":{\"description\":{\"type\":\"answer\"}}}");
        b.expect("signal");
        c.send("{\"type\":\"broadcast\",\"data\":{\"chat\":\"round " + round + "\"}}");
        a.expect("broadcast");
        a.send("{\"type\":\"ping\"}");
        a.expect("pong");
        direct += 250_000;
        viaRelay += 40_000;
        a.send("{\"type\":\"stats\",\"peers\":[{\"peerId\":\"" + pb + "\",\"localCandidateType\":\"host\","
            + "\"remoteCandidateType\":\"srflx\",\"bytesSent\":" + direct + "},{\"peerId\":\"" + pc
            + "\",\"localCandidateType\":\"relay\",\"remoteCandidateType\":\"host\",\"bytesSent\":" + viaRelay + "}]}");
        b.send("{\"type\":\"stats\",\"peers\":[{\"peerId\":\"" + pa + "\",\"localCandidateType\":\"srflx\","
            + "\"remoteCandidateType\":\"host\",\"bytesSent\":" + direct + "}]}");
        for (int i = 0; i < 20; i++) {
          turn.send(peerAddress, TurnClient.srtpPacket(200, round * 100 + i));
          byte[] rtp = TurnClient.srtpPacket(180, round * 100 + i);
          peer.send(new DatagramPacket(rtp, rtp.length, relayed));
        }
        turn.send(peerAddress, "hello, this is not encrypted".getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(1000);
      }
      a.send("{\"type\":\"leave\"}");
      b.send("{\"type\":\"leave\"}");
    }
    // Let Prometheus take a few scrapes of the final counters.
    Thread.sleep(6000);
  }

  // --- support

  private static Process java(Path jar, String name, Map<String, String> env) throws IOException {
    return JavaProcesses.start(jar, work.resolve(name + ".log"), env);
  }

  private static JsonNode query(String promql) {
    try {
      JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      return answer.at("/data/result");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static JsonNode api(String pathAndQuery) {
    try {
      var response = Net.HTTP.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + prometheusPort + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String tail(Path log) {
    return JavaProcesses.tail(log);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
