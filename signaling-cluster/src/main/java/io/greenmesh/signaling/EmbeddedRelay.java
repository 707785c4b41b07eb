package io.greenmesh.signaling;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.signaling.config.PortGuard;
import io.greenmesh.signaling.config.PortInUseException;
import io.greenmesh.turn.TurnServer;
import io.greenmesh.turn.TurnServerException;
import io.greenmesh.turn.TurnSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The TURN relay this node runs in-process (greenmesh.turn.enabled, on by default), or nothing. Embedded, it shares
 * the node's secret (so the credentials the node hands out work on it), its metrics registry and its carbon
 * accounting.
 */
final class EmbeddedRelay implements AutoCloseable {
  private final TurnServer server;

  private EmbeddedRelay(TurnServer server) {
    this.server = server;
  }

  static void checkPorts(Config config) {
    TurnSettings s = settings(config);
    if (s.enabled()) {
      PortGuard.ensureFree("TURN", "GREENMESH_TURN_PORT", s.host(), s.port(), PortGuard.Protocol.UDP);
    }
  }

  static EmbeddedRelay start(Config config, MeterRegistry registry) {
    TurnSettings s = settings(config);
    if (!s.enabled()) {
      return new EmbeddedRelay(null);
    }
    try {
      return new EmbeddedRelay(TurnServer.start(s, registry));
    } catch (TurnServerException e) {
      String message = "embedded TURN relay: " + e.getMessage();
      throw message.contains("in use") ? new PortInUseException(message) : new IllegalStateException(message, e);
    }
  }

  /** The variable the relay's advertised address comes from: its own, or the node's public host by default. */
  static String relayAddressVariable(Config config) {
    return config.getString("greenmesh.turn.relay-address").isEmpty() ? "GREENMESH_PUBLIC_HOST"
        : "GREENMESH_TURN_RELAY_ADDRESS";
  }

  /** The relay's settings; its advertised address defaults to the public host clients are told to use. */
  static TurnSettings settings(Config config) {
    Config c = config;
    if (c.getString("greenmesh.turn.relay-address").isEmpty()) {
      c = ConfigFactory.parseMap(Map.of("greenmesh.turn.relay-address", config.getString("greenmesh.ice.public-host")))
          .withFallback(c);
    }
    return TurnSettings.fromConfig(c);
  }

  int udpPort() {
    return server == null ? 0 : server.udpPort();
  }

  /** Feeds the relay's own byte counter to the carbon accountant every few seconds. */
  void feedCarbonAccounting(ActorSystem<?> system, CarbonAccountant accountant) {
    if (server == null) {
      return;
    }
    system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(5), Duration.ofSeconds(5),
        () -> accountant.recordRelayedBytes(server.relayedBytes().getAsLong()), system.executionContext());
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
