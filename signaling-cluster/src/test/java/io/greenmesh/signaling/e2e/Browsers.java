package io.greenmesh.signaling.e2e;

import java.util.ArrayList;
import java.util.List;

/** The headless Chromiums one test opened; {@link #close()} quits them all and deletes their profiles. */
final class Browsers implements AutoCloseable {

  private final List<HeadlessChromium> open = new ArrayList<>();

  /** A fresh browser (own profile, fake camera) showing {@code url}; WebRTC may use loopback host candidates. */
  DemoPage open(String url) {
    HeadlessChromium browser = HeadlessChromium.start(HeadlessChromium.LOOPBACK_WEBRTC);
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
