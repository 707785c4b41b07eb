package io.greenmesh.loadtest.gatling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.greenmesh.loadtest.signaling.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the simulations from rotting: in {@code mvn verify} (failsafe, integration-test) it starts a node from
 * signaling-cluster's greenmesh.jar on free loopback ports and runs {@link JoinStormSimulation} and
 * {@link NegotiationSimulation} (rooms of 4) at a few dozen users each, in this JVM, through Gatling's own entry point.
 * Both must pass their assertions; here with no failed request at all, and latency thresholds that only catch
 * something broken (the machine may be busy). About 30 s; reports in target/gatling/ like any other run.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class GatlingSmokeIT {
  private static Process node;
  private static Path nodeLog;
  private static String baseUrl;

  @BeforeAll
  static void startNode() throws Exception {
    Path jar = Path.of(System.getProperty("greenmesh.node.jar", "../signaling-cluster/target/greenmesh.jar"));
    assertTrue(Files.isRegularFile(jar), jar.toAbsolutePath() + " is missing: build signaling-cluster first"
        + " (mvn -pl load-tests -am verify, or mvn -pl signaling-cluster -am package -DskipTests)");
    List<Integer> ports = FreePorts.pick(3);
    Path dir = Files.createDirectories(Path.of("target", "gatling-smoke"));
    nodeLog = dir.resolve("node.log");
    ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xms256m", "-Xmx512m", "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(nodeLog.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GREENMESH_")); // a single node, whatever the environment says
    env.put("GREENMESH_HTTP_HOST", "127.0.0.1");
    env.put("GREENMESH_HTTP_PORT", ports.get(0).toString());
    env.put("GREENMESH_MANAGEMENT_HOST", "127.0.0.1");
    env.put("GREENMESH_MANAGEMENT_PORT", ports.get(1).toString());
    env.put("GREENMESH_CLUSTER_HOST", "127.0.0.1");
    env.put("GREENMESH_CLUSTER_PORT", ports.get(2).toString());
    env.put("GREENMESH_TURN_ENABLED", "false");
    env.put("GREENMESH_TURN_SECRET", "gatling-smoke");
    // Every virtual user comes from 127.0.0.1: the per-address limits would refuse them.
    env.put("GREENMESH_LIMIT_CONNECTIONS_PER_IP", "0");
    env.put("GREENMESH_LIMIT_JOINS_PER_SECOND_PER_IP", "0");
    node = pb.start();
    baseUrl = "http://127.0.0.1:" + ports.get(0);
    awaitReady(URI.create(baseUrl + "/ready"), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopNode() throws InterruptedException {
    if (node != null) {
      node.destroy();
      if (!node.waitFor(15, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void joinStormPasses() {
    assertEquals(0, gatling(JoinStormSimulation.class, "rate", "20", "duration", "2", "hold", "0.5"),
        "JoinStormSimulation failed (see the report under target/gatling/ and failsafe's output)");
  }

  @Test
  void negotiationInRoomsOfFourPasses() {
    assertEquals(0, gatling(NegotiationSimulation.class, "roomSize", "4", "rate", "16", "duration", "2", "hold", "0.5",
            "candidates", "3"),
        "NegotiationSimulation failed (see the report under target/gatling/ and failsafe's output)");
  }

  /** Runs {@code simulation} in this JVM with the given system properties; Gatling's exit code (2: assertions). */
  private int gatling(Class<?> simulation, String... keyValues) {
    Properties saved = (Properties) System.getProperties().clone();
    try {
      System.setProperty("greenmesh.url", baseUrl);
      System.setProperty("timeout", "15");
      System.setProperty("assert.joinP99Ms", "5000");
      System.setProperty("assert.relayP99Ms", "5000");
      System.setProperty("assert.maxFailedPct", "0");
      for (int i = 0; i < keyValues.length; i += 2) {
        System.setProperty(keyValues[i], keyValues[i + 1]);
      }
      Path results = Path.of(System.getProperty("gatling.results", "target/gatling")).toAbsolutePath();
      List<String> args = new ArrayList<>(List.of(
          "--simulation", simulation.getName(),
          "--results-folder", results.toString(),
          "--run-description", "GatlingSmokeIT"));
      assertNodeAlive();
      return io.gatling.app.Gatling$.MODULE$.fromArgs(args.toArray(String[]::new));
    } finally {
      System.setProperties(saved);
    }
  }

  private static void awaitReady(URI ready, Duration within) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      assertNodeAlive();
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    fail("the node was not ready within " + within.toSeconds() + " s; its log:\n" + tail(nodeLog));
  }

  private static void assertNodeAlive() {
    if (!node.isAlive()) {
      fail("the node exited with " + node.exitValue() + "; its log:\n" + tail(nodeLog));
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
