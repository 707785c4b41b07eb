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

  /** Feeds the relay's own byte counter to the carbon accountant every few seconds. */
  void feedCarbonAccounting(org.apache.pekko.actor.typed.ActorSystem<?> system,
      io.greenmesh.carbon.CarbonAccountant accountant) {}

  @Override
  public void close() {}
}
