package io.greenmesh.signaling.limits;

import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;

/** The address a request counts against in the per-address limits, for every endpoint that takes connections. */
public final class ClientAddress {

  private ClientAddress() {}

  /**
   * The connection's own address, or — when the node trusts its proxy — the last X-Forwarded-For entry, the one that
   * proxy appended (earlier entries are whatever the client chose to send).
   */
  public static String of(HttpRequest request, boolean trustForwardedFor) {
    String connection = request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress).map(a -> a.getHostAddress()).orElse("unknown");
    if (!trustForwardedFor) {
      return connection;
    }
    return request.getHeader("X-Forwarded-For")
        .map(h -> h.value().substring(h.value().lastIndexOf(',') + 1).strip())
        .filter(v -> !v.isEmpty())
        .orElse(connection);
  }
}
