package io.greenmesh.signaling.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The headless Chromiums one test opened, all in the namespace of one {@link TestNetwork}; {@link #close()} quits
 * them all and deletes their profiles.
 */
final class Browsers implements AutoCloseable {

  /**
   * Flags for many tabs on 2 cores: background tabs keep their timers and renderers (else they stop negotiating),
   * and the fake camera plays a tiny video instead of its default 640x480 pattern.
   */
  static List<String> lightTabs(Path tinyVideo) {
    return List.of("--use-file-for-fake-video-capture=" + tinyVideo,
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows");
  }

  private final TestNetwork network;
  private final List<HeadlessChromium> open = new ArrayList<>();

  Browsers(TestNetwork network) {
    this.network = network;
  }

  /**
   * A fresh browser (own profile, fake camera) in the test's namespace showing {@code url}; WebRTC uses the
   * namespace's host candidates (not loopback), and {@code url}'s origin counts as secure.
   */
  DemoPage open(String url) {
    HeadlessChromium browser = start(url, List.of());
    browser.driver().get(url);
    return new DemoPage(browser.driver());
  }

  /**
   * One fresh browser showing each of {@code urls} in a tab of its own, opened one after the other without waiting
   * for the pages to connect; every page is read by switching to its tab first.
   */
  List<DemoPage> openTabs(List<String> urls, List<String> extraArguments) {
    HeadlessChromium browser = start(urls.get(0), extraArguments);
    ChromeDriver driver = browser.driver();
    List<DemoPage> pages = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      if (i > 0) {
        driver.switchTo().newWindow(WindowType.TAB);
      }
      try {
        driver.get(urls.get(i));
      } catch (TimeoutException slowRenderer) {
        // On 2 busy cores the tabs already negotiating can starve a new tab's load past chromedriver's renderer
        // timeout; the page goes on loading, and it is read (bounded) once it has.
      }
      String handle = driver.getWindowHandle();
      pages.add(new DemoPage((body, arguments) -> {
        synchronized (driver) {
          driver.switchTo().window(handle);
          return ((JavascriptExecutor) driver).executeScript(body, arguments);
        }
      }));
    }
    return pages;
  }

  private HeadlessChromium start(String url, List<String> extraArguments) {
    List<String> arguments = new ArrayList<>(HeadlessChromium.UNMASKED_HOST_CANDIDATES);
    arguments.add(HeadlessChromium.secureOrigin(url));
    arguments.addAll(extraArguments);
    HeadlessChromium browser = HeadlessChromium.start(network, arguments);
    open.add(browser);
    return browser;
  }

  /**
   * Writes a tiny looping camera for {@code --use-file-for-fake-video-capture}: 20 frames of 160x120 at 10 fps,
   * Y4M (a text header, then per frame {@code FRAME\n} and its raw I420 planes), a bar moving so encoders send
   * something.
   */
  static Path tinyVideo(Path dir) {
    int width = 160;
    int height = 120;
    int frames = 20;
    Path file = dir.resolve("tiny-camera.y4m");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(("YUV4MPEG2 W" + width + " H" + height + " F10:1 Ip A1:1 C420jpeg\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] luma = new byte[width * height];
      byte[] chroma = new byte[(width / 2) * (height / 2)];
      java.util.Arrays.fill(chroma, (byte) 128);
      for (int f = 0; f < frames; f++) {
        int bar = f * width / frames;
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            luma[y * width + x] = (byte) (Math.abs(x - bar) < 8 ? 235 : 16 + y);
          }
        }
        out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
        out.write(luma);
        out.write(chroma);
        out.write(chroma);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (HeadlessChromium browser : open) {
      try {
        browser.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
