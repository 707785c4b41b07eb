package io.greenmesh.signaling.transport;

import io.greenmesh.signaling.codec.ProtocolCodec;
import io.greenmesh.signaling.ice.IceServerProvider;
import io.greenmesh.signaling.session.PeerIds;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import io.greenmesh.signaling.limits.ClientAddress;
import io.greenmesh.signaling.limits.NodeLimits;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.CheckResult;

/** The node's public HTTP surface: the signaling WebSocket, ICE servers, metrics, health and the demo app. */
public final class HttpRoutes extends AllDirectives {

  /** Readiness and liveness, as Pekko Management computes them. */
  public interface Health {
    CompletionStage<CheckResult> ready();

    CompletionStage<CheckResult> alive();
  }

  private final SessionFlow sessions;
  private final IceServerProvider iceServers;
  private final PrometheusMeterRegistry registry;
  private final Health health;
  private final List<String> allowedOrigins;
  private final List<Route> extraRoutes;
  private final NodeLimits limits;

  public HttpRoutes(SessionFlow sessions, IceServerProvider iceServers, PrometheusMeterRegistry registry,
      Health health, List<String> allowedOrigins, List<Route> extraRoutes, NodeLimits limits) {
    this.limits = limits;
    this.sessions = sessions;
    this.iceServers = iceServers;
    this.registry = registry;
    this.health = health;
    this.allowedOrigins = List.copyOf(allowedOrigins);
    this.extraRoutes = List.copyOf(extraRoutes);
  }

  public Route routes() {
    Route api = concat(
        path(PathMatchers.segment("v1").slash("ws"), () -> get(this::webSocket)),
        path(PathMatchers.segment("v1").slash("ice-servers"), () -> get(this::iceServers)),
        path("metrics", () -> get(this::metrics)),
        path("ready", () -> get(() -> check(health::ready))),
        path("alive", () -> get(() -> check(health::alive))));
    Route extras = extraRoutes.isEmpty() ? reject() : concat(extraRoutes.get(0),
        extraRoutes.subList(1, extraRoutes.size()).toArray(new Route[0]));
    return concat(api, extras, webApp());
  }

  private Route webSocket() {
    return optionalHeaderValueByName("Origin", origin -> {
      if (!allowedOrigins.isEmpty() && origin.isPresent() && !allowedOrigins.contains(origin.get())) {
        return complete(StatusCodes.FORBIDDEN, "origin not allowed");
      }
      return extractWebSocketUpgrade(upgrade -> clientAddress(ip -> {
        String refused = limits.openConnection(ip);
        if (refused != null) {
          return refused.equals("sessions-per-node")
              ? complete(StatusCodes.SERVICE_UNAVAILABLE, "this node is full; try another")
              : complete(StatusCodes.TOO_MANY_REQUESTS, "too many connections from your address");
        }
        return complete(sessions.create(ip, () -> limits.closeConnection(ip)).accept(upgrade));
      }));
    });
  }

  /** The address the per-address limits count this request against: see {@link ClientAddress}. */
  private Route clientAddress(java.util.function.Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(ClientAddress.of(request, limits.settings().trustForwardedFor())));
  }

  private Route iceServers() {
    String body = ProtocolCodec.encodeIceServers(iceServers.forPeer(PeerIds.next()), iceServers.ttlSeconds());
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_STORE),
        () -> complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body))));
  }

  private Route metrics() {
    return complete(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, registry.scrape())));
  }

  private Route check(Supplier<CompletionStage<CheckResult>> probe) {
    return onSuccess(probe.get(), result -> result.isSuccess()
        ? complete(StatusCodes.OK, "OK")
        : complete(StatusCodes.SERVICE_UNAVAILABLE, "Not Healthy: " + result.failure().orElse("")));
  }

  /** The demo call page at / and /{room}, its assets under /app, and the client library under /client. */
  private Route webApp() {
    return get(() -> concat(
        pathSingleSlash(() -> getFromResource("web/index.html", ContentTypes.TEXT_HTML_UTF8)),
        pathPrefix("client", () -> getFromResourceDirectory("web/client")),
        pathPrefix("app", () -> getFromResourceDirectory("web")),
        path(PathMatchers.segment(ProtocolCodec.ROOM_NAME), room ->
            getFromResource("web/index.html", ContentTypes.TEXT_HTML_UTF8))));
  }
}
