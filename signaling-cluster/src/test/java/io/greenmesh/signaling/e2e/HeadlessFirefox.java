package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One headless Firefox ESR (Debian's {@code firefox-esr}) in the namespace of a {@link TestNetwork}, showing one page.
 * Debian has no geckodriver and none may be downloaded, but Firefox speaks WebDriver BiDi: a small Node.js script
 * ({@code e2e/firefox-bidi.js}, puppeteer-core installed from npm into {@code target/npm-puppeteer}) runs in the
 * namespace with the browser, and this class sends it scripts to run in the page, one JSON line each way.
 */
final class HeadlessFirefox implements AutoCloseable {

  static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
  /** The last puppeteer-core for Node.js 18 and 20 (Debian bookworm ships 18; 25.x needs 22). */
  static final String PUPPETEER_VERSION = "24.43.1";
  private static final Path NPM_PREFIX = Path.of("target", "npm-puppeteer").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Writer requests;
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Path log;
  private final String version;

  private HeadlessFirefox(Process process, Path log) throws InterruptedException {
    this.process = process;
    this.log = log;
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "firefox-bidi answers");
    reader.setDaemon(true);
    reader.start();
    JsonNode ready = answers.poll(60, TimeUnit.SECONDS);
    if (ready == null || ready.get("id").asInt() != 0) {
      close();
      fail("Firefox did not open the page within 60 s: " + log());
    }
    this.version = ready.get("value").asText();
  }

  /**
   * Skips the calling test without Firefox ESR, Node.js or npm, except under CI ({@code CI} set), whose machine
   * installs them (scripts/install-test-deps.sh); installs puppeteer-core when missing.
   */
  static void requireInstalled() throws IOException, InterruptedException {
    boolean installed = Files.isExecutable(FIREFOX) && onPath("node") && onPath("npm");
    String message = "needs " + FIREFOX + ", node and npm (Debian: apt-get install -y firefox-esr npm)";
    if (System.getenv("CI") != null && !installed) {
      fail("CI is set but Firefox or Node.js is missing: " + message);
    }
    assumeTrue(installed, "skipping the Firefox test: it " + message);
    Path installedPackage = NPM_PREFIX.resolve("node_modules/puppeteer-core/package.json");
    if (Files.exists(installedPackage)
        && Files.readString(installedPackage).contains("\"version\": \"" + PUPPETEER_VERSION + "\"")) {
      return;
    }
    Files.createDirectories(NPM_PREFIX);
    Path npmLog = NPM_PREFIX.resolve("npm-install.log");
    Process npm = new ProcessBuilder("npm", "install", "--prefix", NPM_PREFIX.toString(), "--no-audit", "--no-fund",
        "--no-package-lock", "puppeteer-core@" + PUPPETEER_VERSION)
        .redirectErrorStream(true)
        .redirectOutput(npmLog.toFile())
        .start();
    if (!npm.waitFor(180, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      fail("npm install puppeteer-core@" + PUPPETEER_VERSION + " took more than 180 s");
    }
    if (npm.exitValue() != 0) {
      fail("npm install puppeteer-core failed: " + Files.readString(npmLog));
    }
  }

  /** Firefox in {@code network}'s namespace showing {@code url}, whose origin counts as secure. */
  static HeadlessFirefox open(TestNetwork network, String url) {
    try {
      Path script = Path.of(HeadlessFirefox.class.getClassLoader().getResource("e2e/firefox-bidi.js").toURI());
      Path log = Files.createTempFile("greenmesh-firefox-", ".log");
      ProcessBuilder pb = new ProcessBuilder(TestNetwork.IP.toString(), "netns", "exec", network.namespace(),
          "node", script.toString(), url, URI.create(url).getHost())
          .redirectError(log.toFile());
      pb.environment().put("NODE_PATH", NPM_PREFIX.resolve("node_modules").toString());
      pb.environment().put("FIREFOX", FIREFOX.toString());
      return new HeadlessFirefox(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while Firefox started", e);
    }
  }

  /** The page, read through the same hooks as a Chromium's. */
  DemoPage page() {
    return new DemoPage(this::run);
  }

  String version() {
    return version;
  }

  /** Runs a script body in the page; its (JSON) result as Java lists, maps, strings, numbers and booleans. */
  private synchronized Object run(String body, Object... arguments) {
    int id = ids.incrementAndGet();
    ObjectNode request = JSON.createObjectNode().put("id", id).put("body", body);
    request.set("args", JSON.valueToTree(List.of(arguments)));
    try {
      requests.write(JSON.writeValueAsString(request) + "\n");
      requests.flush();
      while (true) {
        JsonNode answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
          throw new IllegalStateException("Firefox did not answer within 30 s: " + log());
        }
        if (answer.get("id").asInt() != id) {
          continue; // an answer to a request that timed out before
        }
        if (answer.has("error")) {
          throw new IllegalStateException("script failed in Firefox: " + answer.get("error").asText());
        }
        return JSON.treeToValue(answer.get("value"), Object.class);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Firefox's driver script is gone: " + log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Firefox", e);
    }
  }

  private void readAnswers() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("{")) {
          answers.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      // the process ended; run() reports it
    }
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Closes stdin (the script then closes Firefox), then stops the script by its process if it lingers. */
  @Override
  public void close() {
    try {
      requests.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException e) {
        // a temporary log left behind
      }
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
