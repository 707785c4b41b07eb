package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.limits.ClientAddress;
import io.greenmesh.signaling.limits.Limits;
import io.greenmesh.signaling.limits.NodeLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatcher0;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The PeerJS server's HTTP surface under {@code path}: {@code GET /} (server info), {@code GET /{key}/id},
 * {@code GET /{key}/peers} (with {@code allow-discovery}), CORS as the PeerJS server answers it ({@code origin: true},
 * narrowed to the node's allowed origins when those are set), and the WebSocket {@code /peerjs?key=&id=&token=}.
 */
final class PeerJsRoutes extends AllDirectives {

  /** The PeerJS server's app.json, served at the path itself (clients and tools probe it). */
  static final String SERVER_INFO = "{\"name\":\"PeerJS Server\",\"description\":\"A server side element to broker "
      + "connections between PeerJS clients.\",\"website\":\"https://peerjs.com/\"}";
  private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final PeerJsSettings settings;
  private final PeerJsFlow flow;
  private final PeerJsMetrics metrics;
  private final List<String> allowedOrigins;
  private final NodeLimits limits;

  PeerJsRoutes(ActorSystem<?> system, PeerJsSettings settings, PeerJsFlow flow, PeerJsMetrics metrics,
      List<String> allowedOrigins) {
    this.system = system;
    this.settings = settings;
    this.flow = flow;
    this.metrics = metrics;
    this.allowedOrigins = List.copyOf(allowedOrigins);
    this.limits = Limits.get(system);
  }

  /** No PeerJS endpoint: every request falls through to the node's other routes. */
  static Route disabled() {
    return new AllDirectives() {}.reject();
  }

  Route routes() {
    List<String> segments = settings.pathSegments();
    Route api = concat(
        path("peerjs", () -> get(this::webSocket)),
        path(PathMatchers.segment().slash("id"), key -> get(() -> cors(this::id))),
        path(PathMatchers.segment().slash("peers"), key -> get(() -> cors(this::peers))));
    if (segments.isEmpty()) {
      // At the root, "/" stays the demo page's.
      return concat(api, options(() -> cors(this::preflight)));
    }
    PathMatcher0 prefix = PathMatchers.segment(segments.get(0));
    for (String s : segments.subList(1, segments.size())) {
      prefix = prefix.slash(s);
    }
    return pathPrefix(prefix, () -> concat(
        pathEndOrSingleSlash(() -> get(() -> cors(() -> complete(HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, SERVER_INFO)))))),
        api,
        options(() -> cors(this::preflight))));
  }

  private Route webSocket() {
    return extractWebSocketUpgrade(upgrade -> optionalHeaderValueByName("Origin", origin -> {
      if (origin.isPresent() && !originAllowed(origin.get())) {
        metrics.refused("origin");
        return complete(StatusCodes.FORBIDDEN, "origin not allowed");
      }
      return parameterOptional("key", key -> parameterOptional("id", id -> parameterOptional("token", token -> {
        if (blank(id.orElse(null)) || blank(token.orElse(null)) || blank(key.orElse(null))) {
          metrics.refused("invalid-parameters");
          return complete(PeerJsFlow.refuse(PeerJsMessage.INVALID_WS_PARAMETERS).accept(upgrade));
        }
        if (!key.get().equals(settings.key())) {
          metrics.refused("invalid-key");
          return complete(PeerJsFlow.refuse(PeerJsMessage.INVALID_KEY).accept(upgrade));
        }
        return extractRequest(request -> {
          // The node's per-address and per-node connection limits, as on the native endpoint.
          String ip = ClientAddress.of(request, limits.settings().trustForwardedFor());
          String refused = limits.openConnection(ip);
          if (refused != null) {
            metrics.refused(refused);
            return refused.equals("sessions-per-node")
                ? complete(StatusCodes.SERVICE_UNAVAILABLE, "this node is full; try another")
                : complete(StatusCodes.TOO_MANY_REQUESTS, "too many connections from your address");
          }
          return complete(flow.connect(id.get(), token.get(), () -> limits.closeConnection(ip)).accept(upgrade));
        });
      })));
    }));
  }

  /** A fresh id (the PeerJS server's realm: a random UUID, as text/html). Like PeerJS, the key is not checked. */
  private Route id() {
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, UUID.randomUUID().toString())));
  }

  /** The ids registered anywhere in the cluster, or 401 when discovery is off (the PeerJS default). */
  private Route peers() {
    if (!settings.allowDiscovery()) {
      return complete(StatusCodes.UNAUTHORIZED, "Unauthorized");
    }
    return onSuccess(PeerJsDirectory.clusterIds(system, DISCOVERY_TIMEOUT), ids -> complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, PeerJsCodec.idList(ids)))));
  }

  private Route preflight() {
    return optionalHeaderValueByName("Access-Control-Request-Headers", requested -> {
      List<HttpHeader> headers = new ArrayList<>();
      headers.add(RawHeader.create("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"));
      requested.ifPresent(h -> headers.add(RawHeader.create("Access-Control-Allow-Headers", h)));
      return respondWithHeaders(headers, () -> complete(StatusCodes.NO_CONTENT));
    });
  }

  /** The cors package with {@code origin: true}: the request's origin is reflected, and responses vary by it. */
  private Route cors(Supplier<Route> inner) {
    return optionalHeaderValueByName("Origin", origin -> {
      List<HttpHeader> headers = new ArrayList<>();
      headers.add(RawHeader.create("Vary", "Origin"));
      if (origin.isPresent() && originAllowed(origin.get())) {
        headers.add(RawHeader.create("Access-Control-Allow-Origin", origin.get()));
      }
      return respondWithHeaders(headers, inner);
    });
  }

  private boolean originAllowed(String origin) {
    return allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }
}
