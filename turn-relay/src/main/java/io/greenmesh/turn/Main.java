package io.greenmesh.turn;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.turn.config.ConfigurationException;
import io.greenmesh.turn.config.EnvironmentVariables;
import io.greenmesh.turn.config.RelayConfigCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone relay ({@code java -jar greenmesh-turn.jar}): reads {@code greenmesh.turn} (reference.conf,
 * application.conf, {@code GREENMESH_TURN_*}), starts the relay and serves Prometheus text on
 * {@code http://host:metrics-port/metrics}. Stops on SIGTERM/SIGINT.
 */
public final class Main {
    private static final String LOGBACK = "greenmesh-turn-logback.xml";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Not named logback.xml, so that the library jar never overrides an embedding application's logging.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK);
        }
        TurnSettings settings;
        TurnServer server;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer http;
        for (String warning : EnvironmentVariables.unread(System.getenv(),
                EnvironmentVariables.read(Main.class.getClassLoader(), List.of(LOGBACK)))) {
            System.err.println("greenmesh-turn: warning: " + warning);
        }
        try {
            settings = TurnSettings.fromConfig(ConfigFactory.load());
            ConfigurationException.throwIfAny(RelayConfigCheck.problems(settings, "GREENMESH_TURN_RELAY_ADDRESS"));
            server = TurnServer.start(settings, registry);
            http = settings.metricsPort() > 0 ? metrics(settings, registry) : null;
        } catch (ConfigurationException e) {
            System.err.println("greenmesh-turn: configuration cannot serve: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException | IOException e) {
            System.err.println("greenmesh-turn: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (http != null) {
                http.stop(0);
            }
            server.close();
            stopped.countDown();
        }, "turn-shutdown"));
        System.out.println("greenmesh-turn: listening on " + settings.host() + " udp/" + server.udpPort()
                + (server.tcpPort() > 0 ? " tcp/" + server.tcpPort() : "")
                + (server.tlsPort() > 0 ? " tls/" + server.tlsPort() : "")
                + ", mode " + settings.mode().name().toLowerCase(java.util.Locale.ROOT)
                + (http != null ? ", metrics on :" + http.getAddress().getPort() + "/metrics" : ""));
        stopped.await();
    }

    private static HttpServer metrics(TurnSettings settings, PrometheusMeterRegistry registry) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(settings.host(), settings.metricsPort()), 16);
        } catch (java.net.BindException e) {
            throw new TurnServerException("metrics endpoint cannot listen on TCP " + settings.host() + ":"
                    + settings.metricsPort() + ": port already in use", e);
        }
        http.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        return http;
    }
}
