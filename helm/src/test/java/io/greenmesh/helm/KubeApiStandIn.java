package io.greenmesh.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for the part of the Kubernetes API server the signaling pods use: Pekko's {@code kubernetes-api}
 * discovery lists the pods of its namespace by label selector, over HTTPS, with the service account's bearer token.
 *
 * <p>It serves {@code GET /api/v1/namespaces/{ns}/pods[?labelSelector=...]} and {@code .../pods/{name}} from the pods
 * the simulation is running (their manifests rendered by the chart, their IPs, phases and readiness filled in as the
 * kubelet would report them), authenticates the tokens it issued for service accounts (401 otherwise) and authorizes
 * each call against the rendered Roles and RoleBindings of the namespace (403 where no rule allows the verb on the
 * resource). Everything else is 404. It has no watch, no resource versions, no admission, no other kinds: see
 * docs/operations.md for what a real API server adds.
 */
final class KubeApiStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final Path caCert;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final List<Role> roles;
  private final List<RoleBinding> bindings;
  private final Supplier<List<Pod>> pods;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private KubeApiStandIn(HttpsServer server, Path caCert, List<Role> roles, List<RoleBinding> bindings,
      Supplier<List<Pod>> pods) {
    this.server = server;
    this.caCert = caCert;
    this.roles = roles;
    this.bindings = bindings;
    this.pods = pods;
  }

  /**
   * Starts on {@code address:443} with a fresh self-signed certificate for that IP (the cluster CA a pod's service
   * account mount carries as ca.crt).
   */
  static KubeApiStandIn start(String address, Path work, List<Role> roles, List<RoleBinding> bindings,
      Supplier<List<Pod>> pods) {
    try {
      Files.createDirectories(work);
      Path keystore = work.resolve("apiserver.p12");
      Path ca = work.resolve("ca.crt");
      Files.deleteIfExists(keystore);
      String password = "stand-in";
      Tools.Result gen = Tools.run(Duration.ofSeconds(60), work, List.of("keytool", "-genkeypair", "-alias", "api",
          "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kube-apiserver", "-ext", "san=ip:" + address,
          "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password));
      Tools.Result export = Tools.run(Duration.ofSeconds(60), work, List.of("keytool", "-exportcert", "-rfc",
          "-alias", "api", "-keystore", keystore.toString(), "-storepass", password, "-file", ca.toString()));
      if (gen.exitCode() != 0 || export.exitCode() != 0) {
        throw new IllegalStateException("keytool: " + gen.output() + export.output());
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password.toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(kmf.getKeyManagers(), null, new SecureRandom());
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), 443), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      server.setExecutor(Executors.newFixedThreadPool(4));
      KubeApiStandIn api = new KubeApiStandIn(server, ca, roles, bindings, pods);
      server.createContext("/", api::handle);
      server.start();
      return api;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token the kubelet would mount for this service account (a projected token; here an opaque random one). */
  String issueToken(String namespace, String serviceAccount) {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    tokens.put(token, namespace + "/" + serviceAccount);
    return token;
  }

  Path caCert() {
    return caCert;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** "status verb path" of every call so far, in order. */
  List<String> calls() {
    return List.copyOf(log);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    String subject = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7).strip()) : null;
    String[] p = path.split("/");
    // /api/v1/namespaces/{ns}/pods[/{name}]
    boolean podsPath = p.length >= 6 && p.length <= 7 && p[1].equals("api") && p[2].equals("v1")
        && p[3].equals("namespaces") && p[5].equals("pods");
    String verb = !podsPath ? "get" : p.length == 7 ? "get" : "true".equals(query.get("watch")) ? "watch" : "list";
    int status;
    String body;
    if (subject == null) {
      status = 401;
      body = status(401, "Unauthorized", "Unauthorized");
    } else if (!exchange.getRequestMethod().equals("GET") || !podsPath) {
      String[] sa = subject.split("/");
      status = allowed(sa[0], sa[1], p.length > 5 ? p[5] : "", "get", p.length > 4 ? p[4] : "") ? 404 : 403;
      body = status(status, status == 404 ? "NotFound" : "Forbidden", path);
    } else {
      String namespace = p[4];
      String[] sa = subject.split("/");
      if (!allowed(sa[0], sa[1], "pods", verb, namespace)) {
        status = 403;
        body = status(403, "Forbidden", "pods is forbidden: User \"system:serviceaccount:" + sa[0] + ":" + sa[1]
            + "\" cannot " + verb + " resource \"pods\" in API group \"\" in the namespace \"" + namespace + "\"");
      } else if (verb.equals("watch")) {
        status = 501;
        body = status(501, "NotImplemented", "the stand-in has no watch");
      } else {
        List<Pod> selected = new ArrayList<>();
        for (Pod pod : pods.get()) {
          if (namespace.equals(pod.getMetadata().getNamespace())
              && (p.length == 7 ? pod.getMetadata().getName().equals(p[6])
                  : matches(query.getOrDefault("labelSelector", ""), pod.getMetadata().getLabels()))) {
            selected.add(pod);
          }
        }
        if (p.length == 7) {
          status = selected.isEmpty() ? 404 : 200;
          body = selected.isEmpty() ? status(404, "NotFound", p[6]) : JSON.writeValueAsString(selected.get(0));
        } else {
          ObjectNode list = JSON.createObjectNode().put("kind", "PodList").put("apiVersion", "v1");
          list.putObject("metadata").put("resourceVersion", String.valueOf(System.nanoTime()));
          ArrayNode items = list.putArray("items");
          for (Pod pod : selected) {
            items.add(JSON.valueToTree(pod));
          }
          status = 200;
          body = JSON.writeValueAsString(list);
        }
      }
    }
    log.add(status + " " + verb + " " + path + (subject == null ? " (no valid token)" : " as " + subject));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** RBAC: some RoleBinding of the namespace binds this service account to a Role with a rule for verb on resource. */
  boolean allowed(String saNamespace, String serviceAccount, String resource, String verb, String namespace) {
    return allowed(roles, bindings, saNamespace, serviceAccount, resource, verb, namespace);
  }

  static boolean allowed(List<Role> roles, List<RoleBinding> bindings, String saNamespace, String serviceAccount,
      String resource, String verb, String namespace) {
    for (RoleBinding b : bindings) {
      if (!namespace.equals(b.getMetadata().getNamespace()) || !"Role".equals(b.getRoleRef().getKind())) {
        continue;
      }
      boolean bound = b.getSubjects().stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
          && serviceAccount.equals(s.getName()) && saNamespace.equals(s.getNamespace()));
      if (!bound) {
        continue;
      }
      for (Role r : roles) {
        if (r.getMetadata().getName().equals(b.getRoleRef().getName()) && namespace.equals(r.getMetadata().getNamespace())) {
          for (PolicyRule rule : r.getRules()) {
            if (rule.getApiGroups().contains("") && (rule.getResources().contains(resource)
                || rule.getResources().contains("*")) && (rule.getVerbs().contains(verb)
                || rule.getVerbs().contains("*"))) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** Equality-based selectors (k=v, k==v, k!=v, k, !k), comma-separated: what discovery sends. */
  static boolean matches(String selector, Map<String, String> labels) {
    if (selector.isBlank()) {
      return true;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (String term : selector.split(",")) {
      term = term.strip();
      if (term.contains("!=")) {
        String[] kv = term.split("!=", 2);
        if (kv[1].strip().equals(l.get(kv[0].strip()))) {
          return false;
        }
      } else if (term.contains("=")) {
        String[] kv = term.split("==?", 2);
        if (!kv[1].strip().equals(l.get(kv[0].strip()))) {
          return false;
        }
      } else if (term.startsWith("!")) {
        if (l.containsKey(term.substring(1))) {
          return false;
        }
      } else if (!l.containsKey(term)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static String status(int code, String reason, String message) {
    return JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("message", message).put("reason", reason).put("code", code).toString();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
