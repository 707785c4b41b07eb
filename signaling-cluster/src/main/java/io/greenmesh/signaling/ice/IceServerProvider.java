package io.greenmesh.signaling.ice;

import com.typesafe.config.Config;
import io.greenmesh.signaling.config.ConfigLists;
import io.greenmesh.signaling.protocol.IceServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the iceServers list a client gets: configured STUN URLs, and TURN URLs with fresh REST credentials. */
public final class IceServerProvider {
  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final String signingSecret;
  private final Duration ttl;
  private final Clock clock;

  public IceServerProvider(List<String> stunUrls, List<String> turnUrls, String signingSecret, Duration ttl,
      Clock clock) {
    this.stunUrls = List.copyOf(stunUrls);
    this.turnUrls = List.copyOf(turnUrls);
    this.signingSecret = signingSecret;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * Reads {@code greenmesh.ice}. The first of {@code greenmesh.turn.secret} signs. When the node embeds the relay and
   * no TURN URL is configured, the relay's own UDP and TCP URLs on the public host are advertised.
   */
  public static IceServerProvider from(Config root, int embeddedTurnPort) {
    Config ice = root.getConfig("greenmesh.ice");
    List<String> secrets = ConfigLists.strings(root, "greenmesh.turn.secret");
    List<String> turn = new ArrayList<>(ConfigLists.strings(ice, "turn-urls"));
    if (turn.isEmpty() && embeddedTurnPort > 0) {
      String host = ice.getString("public-host");
      turn.add("turn:" + host + ":" + embeddedTurnPort + "?transport=udp");
      turn.add("turn:" + host + ":" + embeddedTurnPort + "?transport=tcp");
    }
    return new IceServerProvider(
        ConfigLists.strings(ice, "stun-urls"),
        secrets.isEmpty() ? List.of() : turn,
        secrets.isEmpty() ? null : secrets.get(0),
        ice.getDuration("credential-ttl"),
        Clock.systemUTC());
  }

  public List<IceServer> forPeer(String peerId) {
    List<IceServer> servers = new ArrayList<>(2);
    if (!stunUrls.isEmpty()) {
      servers.add(IceServer.stun(stunUrls));
    }
    if (!turnUrls.isEmpty() && signingSecret != null) {
      TurnCredentials.Credential c = TurnCredentials.issue(signingSecret, peerId, clock.instant().plus(ttl));
      servers.add(new IceServer(turnUrls, c.username(), c.credential()));
    }
    return servers;
  }

  public long ttlSeconds() {
    return ttl.toSeconds();
  }
}
