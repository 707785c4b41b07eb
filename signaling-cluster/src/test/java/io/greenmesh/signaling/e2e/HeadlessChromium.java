package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * One headless Debian Chromium driven by the Debian chromedriver, with a fake camera and microphone.
 *
 * <p>Selenium Manager never runs: the driver comes from a {@link ChromeDriverService} built on
 * {@code /usr/bin/chromedriver} and the browser binary is set explicitly, so nothing is downloaded.
 */
public final class HeadlessChromium implements AutoCloseable {

  /**
   * Host candidates with their real addresses (Chromium otherwise hides them behind mDNS names that nothing
   * resolves here), loopback candidates allowed, so that a machine with only {@code lo} can still connect.
   */
  public static final List<String> LOOPBACK_WEBRTC = List.of(
      "--disable-features=WebRtcHideLocalIpsWithMdns",
      "--allow-loopback-in-peer-connection");

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

  /** Starts a browser; {@code extraArguments} are added to the standard headless, fake-media flags. */
  public static HeadlessChromium start(List<String> extraArguments) {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path userDataDir;
    try {
      userDataDir = Files.createTempDirectory("greenmesh-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
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
        "--window-size=1280,720");
    options.addArguments(extraArguments);
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
