package io.greenmesh.signaling.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The headless Chromiums one test opened, all in the namespace of one {@link TestNetwork}; {@link #close()} quits
 * them all and deletes their profiles.
 */
final class Browsers implements AutoCloseable {

  private final TestNetwork network;
  private final List<HeadlessChromium> open = new ArrayList<>();

  Browsers(TestNetwork network) {
    this.network = network;
  }

  /**
   * A fresh browser (own profile, fake camera) in the test's namespace showing {@code url}; WebRTC may use loopback
   * and namespace host candidates, and {@code url}'s origin counts as secure.
   */
  DemoPage open(String url) {
    List<String> arguments = new ArrayList<>(HeadlessChromium.LOOPBACK_WEBRTC);
    arguments.add(HeadlessChromium.secureOrigin(url));
    HeadlessChromium browser = HeadlessChromium.start(network, arguments);
    open.add(browser);
    browser.driver().get(url);
    return new DemoPage(browser.driver());
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
