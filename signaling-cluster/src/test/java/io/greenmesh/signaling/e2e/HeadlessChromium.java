package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Debian Chromium driven by the Debian chromedriver, with a fake camera and microphone, running inside
 * the network namespace of a {@link TestNetwork}.
 *
 * <p>Selenium Manager never runs: the driver comes from a {@link ChromeDriverService} built on
 * {@code /usr/bin/chromedriver} and the browser binary is set explicitly, so nothing is downloaded. chromedriver runs
 * here, in the root namespace; its browser binary is a script that starts Chromium in the namespace, and the two talk
 * DevTools over a pipe ({@code --remote-debugging-pipe}), not over TCP, which could not cross the namespaces.
 */
public final class HeadlessChromium implements AutoCloseable {

  /**
   * Host candidates with their real addresses (Chromium otherwise hides them behind mDNS names that nothing
   * resolves here, announcing them by multicast). Loopback stays off, as in every user's browser: with
   * {@code --allow-loopback-in-peer-connection} libwebrtc also gathers on 127.0.0.1, and a peer connection whose
   * UDP TURN allocation went out on that socket (closed at once, error 701) had only a relay/TCP candidate — one
   * link in most six-tab mesh runs.
   */
  public static final List<String> UNMASKED_HOST_CANDIDATES = List.of(
      "--disable-features=WebRtcHideLocalIpsWithMdns");

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private final Path userDataDir;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private HeadlessChromium(Path userDataDir, ChromeDriverService service, ChromeDriver driver) {
    this.userDataDir = userDataDir;
    this.service = service;
    this.driver = driver;
  }

  /**
   * Skips the calling test when Chromium or chromedriver is missing, except under CI ({@code CI} set), where a
   * missing browser is a broken build machine and fails the test.
   */
  public static void requireInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String message = "needs " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian: apt-get install -y chromium chromium-driver)";
    if (System.getenv("CI") != null && !installed) {
      fail("CI is set but the browser is missing: " + message);
    }
    assumeTrue(installed, "skipping the browser test: it " + message);
  }

  /**
   * Starts a browser in {@code network}'s namespace; {@code extraArguments} are added to the standard headless,
   * fake-media flags.
   */
  public static HeadlessChromium start(TestNetwork network, List<String> extraArguments) {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path userDataDir;
    try {
      userDataDir = Files.createTempDirectory("greenmesh-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(network.chromiumBinary().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + userDataDir,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--window-size=1280,720",
        "--remote-debugging-pipe");
    options.addArguments(extraArguments);
    // For investigating one run, e.g. libwebrtc's ICE logs: GREENMESH_E2E_CHROMIUM_ARGS="--enable-logging
    // --log-file=/tmp/chromium.log --vmodule=turn_port=4,basic_port_allocator=4,p2p_transport_channel=3"
    String debugArguments = System.getenv("GREENMESH_E2E_CHROMIUM_ARGS");
    if (debugArguments != null && !debugArguments.isBlank()) {
      options.addArguments(debugArguments.trim().split("\\s+"));
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
      return new HeadlessChromium(userDataDir, service, driver);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(userDataDir);
      throw e;
    }
  }

  /**
   * {@code --unsafely-treat-insecure-origin-as-secure} for the origin of {@code url}: pages served by the node on the
   * veth address are not {@code localhost}, and {@code getUserMedia} needs a secure context.
   */
  public static String secureOrigin(String url) {
    URI uri = URI.create(url);
    return "--unsafely-treat-insecure-origin-as-secure=" + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteTree(userDataDir);
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
