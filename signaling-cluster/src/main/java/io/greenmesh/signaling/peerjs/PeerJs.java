package io.greenmesh.signaling.peerjs;

import com.typesafe.config.Config;
import io.greenmesh.signaling.config.SignalingSettings;
import io.greenmesh.signaling.metrics.Telemetry;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/** The PeerJS-compatible endpoint of a node: existing PeerJS apps change their host, port and path to use it. */
public final class PeerJs {
  private PeerJs() {}

  /**
   * Starts the endpoint on this node — the peer entities' sharding, the node's directory — and returns its routes;
   * with {@code greenmesh.peerjs.enabled = false}, a route that matches nothing.
   */
  public static Route start(ActorSystem<?> system, Config config, List<String> allowedOrigins) {
    PeerJsSettings settings = PeerJsSettings.from(config);
    if (!settings.enabled()) {
      return PeerJsRoutes.disabled();
    }
    PeerJsMetrics metrics = new PeerJsMetrics(Telemetry.get(system).registry());
    PeerJsDirectory directory = new PeerJsDirectory(metrics);
    PeerJsPeer.initSharding(system, settings, metrics);
    system.systemActorOf(directory.behavior(), "peerjs-directory", Props.empty());
    PeerJsNode node = new PeerJsNode(settings, SignalingSettings.from(config), ClusterSharding.get(system),
        directory, metrics);
    return new PeerJsRoutes(system, settings, new PeerJsFlow(system, node), metrics, allowedOrigins).routes();
  }
}
