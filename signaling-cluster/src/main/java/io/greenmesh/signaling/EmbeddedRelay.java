package io.greenmesh.signaling;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;

/** The TURN relay this node runs in-process (greenmesh.turn.enabled), or nothing. */
final class EmbeddedRelay implements AutoCloseable {
  private EmbeddedRelay() {}

  static void checkPorts(Config config) {}

  static EmbeddedRelay start(Config config, MeterRegistry registry) {
    return new EmbeddedRelay();
  }

  int udpPort() {
    return 0;
  }

  @Override
  public void close() {}
}
