package io.greenmesh.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of a Kubernetes API server the chart's {@code lookup} reaches: discovery of core/v1 Secrets and GET of
 * one Secret. helm-java renders like {@code helm install --dry-run}, which runs lookups against the cluster in
 * KUBECONFIG; this answers them on loopback, so rendering never touches a real cluster, and a test can plant an
 * existing Secret to check that an upgrade keeps generated secrets.
 */
final class FakeKubeApi {
  private static FakeKubeApi instance;

  private final HttpServer server;
  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  private FakeKubeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(null);
    server.start();
  }

  /** Starts the fake API once per JVM and points the KUBECONFIG that surefire set at it. */
  static synchronized FakeKubeApi start() {
    if (instance == null) {
      try {
        instance = new FakeKubeApi();
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || kubeconfig.isBlank() || kubeconfig.equals("/dev/null")) {
          throw new IllegalStateException("KUBECONFIG must name a writable file (set by the surefire configuration)");
        }
        Path file = Path.of(kubeconfig);
        Files.createDirectories(file.getParent());
        String server = "http://127.0.0.1:" + instance.server.getAddress().getPort();
        Files.writeString(file, """
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: %s
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: fake
            current-context: fake
            users:
              - name: fake
                user: {}
            """.formatted(server));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** Makes {@code lookup "v1" "Secret" namespace name} find this Secret (JSON). */
  void putSecret(String namespace, String name, String json) {
    secrets.put(namespace + "/" + name, json);
  }

  void clear() {
    secrets.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/api/v1")) {
      respond(exchange, 200, """
          {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
            {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""");
      return;
    }
    String[] parts = path.split("/");
    // /api/v1/namespaces/{ns}/secrets/{name}
    if (parts.length == 7 && parts[4] != null && parts[5].equals("secrets")) {
      String json = secrets.get(parts[4] + "/" + parts[6]);
      if (json != null) {
        respond(exchange, 200, json);
        return;
      }
    }
    respond(exchange, 404, """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}""");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
