package io.greenmesh.signaling;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.actors.LocalSessions;
import io.greenmesh.signaling.auth.AuthSettings;
import io.greenmesh.signaling.auth.RoomTokens;
import io.greenmesh.signaling.auth.TokenRoutes;
import io.greenmesh.signaling.actors.Room;
import io.greenmesh.signaling.actors.SessionDependencies;
import io.greenmesh.signaling.carbon.CarbonAccounting;
import io.greenmesh.signaling.carbon.CarbonRoutes;
import io.greenmesh.signaling.config.ConfigLists;
import io.greenmesh.signaling.config.NodeConfigCheck;
import io.greenmesh.signaling.config.NodeSettings;
import io.greenmesh.signaling.config.PortGuard;
import io.greenmesh.signaling.config.PortInUseException;
import io.greenmesh.signaling.config.SignalingSettings;
import io.greenmesh.signaling.ice.IceServerProvider;
import io.greenmesh.signaling.ice.TurnCredentials;
import io.greenmesh.signaling.limits.Limits;
import io.greenmesh.signaling.metrics.ClusterMetrics;
import io.greenmesh.signaling.metrics.Telemetry;
import io.greenmesh.signaling.peerjs.PeerJs;
import io.greenmesh.signaling.session.SessionTokens;
import io.greenmesh.signaling.transport.HttpRoutes;
import io.greenmesh.signaling.transport.SessionFlow;
import io.greenmesh.turn.config.ConfigurationException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One GreenMesh node: a Pekko Cluster member (alone, or one of many) hosting sharded rooms, the signaling WebSocket,
 * the demo app, metrics, and — unless turned off — the embedded TURN relay.
 */
public final class GreenMeshNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final EmbeddedRelay relay;

  private GreenMeshNode(ActorSystem<Void> system, ServerBinding binding, EmbeddedRelay relay) {
    this.system = system;
    this.binding = binding;
    this.relay = relay;
  }

  /** Loads application.conf under {@code overrides} (tests pass ports and limits here) and starts the node. */
  public static GreenMeshNode start(Config overrides) {
    Config given = ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResourcesAnySyntax("application")));
    // Checked as the operator wrote it: the secrets filled in below would hide a missing one.
    ConfigurationException.throwIfAny(problems(given));
    return startResolved(withGeneratedSecrets(given));
  }

  /** What in this resolved configuration, as given, cannot serve: one sentence each, naming what to set. */
  public static List<String> problems(Config given) {
    return NodeConfigCheck.problems(given, EmbeddedRelay.settings(given), EmbeddedRelay.relayAddressVariable(given));
  }

  public static Config load(Config overrides) {
    return withGeneratedSecrets(
        ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResourcesAnySyntax("application"))));
  }

  private static Config withGeneratedSecrets(Config config) {
    if (ConfigLists.strings(config, "greenmesh.auth.hs256-secret").isEmpty()
        && config.getString("greenmesh.auth.policy").strip().equalsIgnoreCase("open")) {
      // An open node mints demo tokens with a secret of its own.
      config = ConfigFactory.parseMap(Map.of("greenmesh.auth.hs256-secret", randomSecret())).withFallback(config);
    }
    if (ConfigLists.strings(config, "greenmesh.turn.secret").isEmpty()) {
      // Single node, no secret configured: signaling and the embedded relay share a fresh random one.
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      config = ConfigFactory.parseMap(Map.of("greenmesh.turn.secret", Base64.getEncoder().encodeToString(random)))
          .withFallback(config);
    }
    return config;
  }

  /** The HTTP server, with HTTPS when a certificate is configured (checked for renewal every reload-interval). */
  private static org.apache.pekko.http.javadsl.ServerBuilder serverAt(ActorSystem<Void> system, Config config,
      NodeSettings node) {
    org.apache.pekko.http.javadsl.ServerBuilder builder = Http.get(system).newServerAt(node.httpHost(), node.httpPort());
    String cert = config.getString("greenmesh.http.tls.cert");
    String key = config.getString("greenmesh.http.tls.key");
    if (cert.isEmpty() && key.isEmpty()) {
      return builder;
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException("TLS needs both GREENMESH_TLS_CERT and GREENMESH_TLS_KEY");
    }
    javax.net.ssl.SSLContext tls;
    try {
      // The relay's PEM handling: the certificate is re-read on a handshake once reload-interval has passed and a
      // file changed, so renewals need no restart.
      tls = io.greenmesh.turn.transport.PemTls.serverContext(java.nio.file.Path.of(cert), java.nio.file.Path.of(key),
          config.getDuration("greenmesh.http.tls.reload-interval"));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot use TLS certificate " + cert + " with key " + key + ": "
          + e.getMessage(), e);
    }
    return builder.enableHttps(org.apache.pekko.http.javadsl.ConnectionContext.httpsServer(() -> {
      javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
      engine.setUseClientMode(false);
      return engine;
    }));
  }

  private static String randomSecret() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }

  private static GreenMeshNode startResolved(Config config) {
    NodeSettings node = NodeSettings.from(config);
    PortGuard.ensureFree("HTTP", "GREENMESH_HTTP_PORT", node.httpHost(), node.httpPort(), PortGuard.Protocol.TCP);
    PortGuard.ensureFree("management", "GREENMESH_MANAGEMENT_PORT", node.managementHost(), node.managementPort(),
        PortGuard.Protocol.TCP);
    PortGuard.ensureFree("cluster", "GREENMESH_CLUSTER_PORT", node.clusterHost(), node.clusterPort(),
        PortGuard.Protocol.TCP);
    EmbeddedRelay.checkPorts(config);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "greenmesh", config);
    EmbeddedRelay relay = null;
    try {
      Telemetry telemetry = Telemetry.get(system);
      formCluster(system, node);
      SignalingSettings settings = SignalingSettings.from(config);
      Room.initSharding(system, new Room.Settings(settings.maxPeersPerRoom(), settings.resumeGrace()));
      ClusterMetrics.bind(system, telemetry.registry(), List.of(Room.TYPE_KEY));

      relay = EmbeddedRelay.start(config, telemetry.registry());
      IceServerProvider ice = IceServerProvider.from(config, relay.udpPort());
      SessionTokens tokens = new SessionTokens(sessionSecret(config), settings.sessionTokenTtl(), Clock.systemUTC());
      LocalSessions local = new LocalSessions();
      RoomTokens roomTokens = new RoomTokens(AuthSettings.from(config), Clock.systemUTC());
      SessionDependencies deps = new SessionDependencies(settings, tokens, ice, ClusterSharding.get(system),
          telemetry.signaling(), local, roomTokens);
      // On SIGTERM, after the HTTP port stops accepting: move every client to another node, then hand off shards.
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-sessions",
          () -> {
            local.drain();
            return org.apache.pekko.pattern.Patterns.after(Duration.ofMillis(500), system.classicSystem().scheduler(),
                system.executionContext(), () -> java.util.concurrent.CompletableFuture.completedFuture(Done.done()));
          });
      CarbonRoutes carbon = new CarbonRoutes(CarbonAccounting.get(system), system.address().toString());
      relay.feedCarbonAccounting(system, CarbonAccounting.get(system));
      // Calls whose end the node missed (a room on a node that died) stop counting as open after a while.
      system.scheduler().scheduleAtFixedRate(Duration.ofMinutes(1), Duration.ofMinutes(1),
          () -> CarbonAccounting.get(system).closeIdleCalls(Duration.ofMinutes(15)), system.executionContext());
      HttpRoutes routes = new HttpRoutes(new SessionFlow(system, deps), ice, telemetry.registry(),
          health(system, config), node.allowedOrigins(),
          List.of(carbon.routes(), new TokenRoutes(roomTokens).routes(),
              PeerJs.start(system, config, node.allowedOrigins())),
          Limits.get(system));
      ServerBinding binding = await(
          serverAt(system, config, node).bind(routes.routes()),
          "HTTP port " + node.httpPort() + " (GREENMESH_HTTP_PORT) on " + node.httpHost());
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      return new GreenMeshNode(system, binding, relay);
    } catch (RuntimeException e) {
      if (relay != null) {
        relay.close();
      }
      system.terminate();
      throw e;
    }
  }

  private static void formCluster(ActorSystem<Void> system, NodeSettings node) {
    Cluster cluster = Cluster.get(system);
    CompletionStage<?> management = PekkoManagement.get(Adapter.toClassic(system)).start();
    await(management, "management port " + node.managementPort() + " (GREENMESH_MANAGEMENT_PORT)");
    if (node.discovery().equals("kubernetes-api")) {
      ClusterBootstrap.get(Adapter.toClassic(system)).start();
    } else if (node.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      List<Address> seeds = node.seedNodes().stream().map(AddressFromURIString::parse).toList();
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
  }

  private static HttpRoutes.Health health(ActorSystem<Void> system, Config config) {
    HealthChecks checks = new HealthChecks((ExtendedActorSystem) Adapter.toClassic(system),
        HealthCheckSettings.create(config.getConfig("pekko.management.health-checks")));
    return new HttpRoutes.Health() {
      @Override
      public CompletionStage<CheckResult> ready() {
        return checks.readyResult();
      }

      @Override
      public CompletionStage<CheckResult> alive() {
        return checks.aliveResult();
      }
    };
  }

  private static String sessionSecret(Config config) {
    String configured = config.getString("greenmesh.signaling.session-secret");
    if (!configured.isEmpty()) {
      return configured;
    }
    // A key of its own, derived so that session tokens and TURN credentials are never interchangeable.
    return TurnCredentials.sign(ConfigLists.strings(config, "greenmesh.turn.secret").get(0), "greenmesh-session-v1");
  }

  private static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.net.BindException || String.valueOf(cause).contains("Bind")) {
        throw new PortInUseException(what + " is already in use");
      }
      throw new IllegalStateException("could not start " + what + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out starting " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted starting " + what, e);
    }
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  /** The embedded relay's UDP port, or 0 when the relay is off. */
  public int turnPort() {
    return relay.udpPort();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Telemetry telemetry() {
    return Telemetry.get(system);
  }

  /** Blocks until the actor system has terminated (after SIGTERM's coordinated shutdown, for instance). */
  public void awaitTermination() throws InterruptedException, ExecutionException {
    system.getWhenTerminated().toCompletableFuture().get();
  }

  @Override
  public void close() {
    relay.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Terminating anyway.
    }
    Telemetry.get(system).close();
  }
}
