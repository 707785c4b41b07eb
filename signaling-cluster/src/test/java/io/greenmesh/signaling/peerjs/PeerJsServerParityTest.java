package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GreenMesh and the reference PeerJS server (npm {@code peer}, installed from the registry into
 * {@code target/npm-peer}) run the same protocol scenario ({@code peerjs/parity/scenario.js}); every HTTP answer and
 * every frame each client receives must be identical. Needs Node.js and npm; skipped without them. The scenario leaves
 * out the inputs where GreenMesh differs on purpose (docs/peerjs.md); the protocol test covers those.
 */
@Timeout(300)
class PeerJsServerParityTest {
  static final String PEER_VERSION = "1.0.2";
  private static final Path NPM_PREFIX = Path.of("target", "npm-peer").toAbsolutePath();

  @Test
  void greenMeshAnswersTheScenarioExactlyAsThePeerJsServerDoes() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "skipping: needs node and npm (Debian: apt-get install -y npm)");
    installPeerServer();
    Path scripts = Path.of(getClass().getClassLoader().getResource("peerjs/parity/scenario.js").toURI()).getParent();

    int port = TwoNodeCluster.freeLoopbackPort();
    Process reference = node(List.of(scripts.resolve("peer-server.js").toString(), String.valueOf(port)),
        NPM_PREFIX.resolve("peer-server.log"));
    String expected;
    try {
      awaitListening(port, reference);
      expected = runScenario(scripts, "ws://127.0.0.1:" + port + "/peerjs/peerjs");
    } finally {
      stop(reference);
    }

    String actual;
    try (GreenMeshNode greenMesh = TestNodes.start(Map.of("greenmesh.peerjs.expire-timeout", "1s"))) {
      actual = runScenario(scripts, "ws://127.0.0.1:" + greenMesh.httpPort() + "/peerjs/peerjs");
    }
    assertTrue(expected.contains("held x: [\"{\\\"type\\\":\\\"OPEN\\\"}"), () -> "the scenario ran:\n" + expected);
    assertEquals(expected, actual);
  }

  private static void installPeerServer() throws Exception {
    Path installed = NPM_PREFIX.resolve("node_modules/peer/package.json");
    if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"" + PEER_VERSION + "\"")) {
      return;
    }
    Files.createDirectories(NPM_PREFIX);
    Process npm = new ProcessBuilder("npm", "install", "--prefix", NPM_PREFIX.toString(), "--no-audit", "--no-fund",
        "--no-package-lock", "peer@" + PEER_VERSION)
        .redirectErrorStream(true)
        .redirectOutput(NPM_PREFIX.resolve("npm-install.log").toFile())
        .start();
    if (!npm.waitFor(180, TimeUnit.SECONDS)) {
      stop(npm);
      fail("npm install peer@" + PEER_VERSION + " took more than 180 s");
    }
    assertEquals(0, npm.exitValue(), () -> "npm install failed: " + log("npm-install.log"));
  }

  private static String runScenario(Path scripts, String url) throws Exception {
    Path output = Files.createTempFile(NPM_PREFIX, "scenario-", ".out");
    Process p = node(List.of(scripts.resolve("scenario.js").toString(), url), output);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("the scenario against " + url + " took more than 60 s");
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), () -> "the scenario against " + url + " failed:\n" + out);
      return out;
    } finally {
      stop(p);
      Files.deleteIfExists(output);
    }
  }

  /** Node.js with the installed packages on its module path; its output (both streams) goes to {@code log}. */
  private static Process node(List<String> arguments, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.addAll(arguments);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("NODE_PATH", NPM_PREFIX.resolve("node_modules").toString());
    return pb.start();
  }

  private static void awaitListening(int port, Process server) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      if (!server.isAlive()) {
        fail("the PeerJS server exited: " + log("peer-server.log"));
      }
      try {
        new Socket(InetAddress.getLoopbackAddress(), port).close();
        return;
      } catch (IOException notYet) {
        TwoNodeCluster.sleep(100);
      }
    }
    fail("the PeerJS server did not listen on " + port + " within 20 s: " + log("peer-server.log"));
  }

  /** Stops a process this test started (by its handle, never by name). */
  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static String log(String name) {
    try {
      return Files.readString(NPM_PREFIX.resolve(name));
    } catch (IOException e) {
      return "(no " + name + ")";
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
