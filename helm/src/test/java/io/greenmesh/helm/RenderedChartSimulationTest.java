package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart's rendered manifests, run as far as this machine allows (issue 15): every signaling replica is a JVM of
 * the jar the reactor built, in a network namespace of its own with its own address and the same ports as every other
 * replica, started from the rendered Deployment (env, downward API, Secret keys, service-account mount, probes,
 * preStop, grace period) by {@link SimulatedPod}; the Deployment controller, Service endpoints and the part of the
 * API server that Cluster Bootstrap calls are {@link SimulatedCluster} and {@link KubeApiStandIn}. The scenarios run
 * in order on one release, each under a light load of calls ({@link CallLoad}), and print their figures (copied into
 * docs/operations.md, "The chart, simulated").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RenderedChartSimulationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEXT_VERSION = "0.1.1-sim";
  private static final Map<String, String> FIGURES = new LinkedHashMap<>();

  private static SimulatedCluster cluster;
  private static String signaling;

  @BeforeAll
  static void startTheNode() throws IOException {
    Path work = Chart.root().resolve("helm/target/chart-simulation");
    Tools.run(Duration.ofSeconds(30), null, List.of("rm", "-rf", work.toString()));
    Files.createDirectories(work);
    RenderedRelease release = RenderedRelease.render("");
    cluster = new SimulatedCluster(release, Chart.NAMESPACE, work);
    signaling = release.one(Deployment.class, "-signaling").getMetadata().getName();
  }

  @AfterAll
  static void stopEverything() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    StringBuilder sb = new StringBuilder();
    FIGURES.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    System.out.println("Chart simulation figures:\n" + sb);
    Files.writeString(Chart.root().resolve("helm/target/chart-simulation/figures.txt"), sb);
  }

  @Test
  @Order(1)
  void threeReplicasFormOneClusterThroughBootstrapWithNoSeedNodesAndBecomeReadyAsTheProbeAsks() {
    Deployment d = cluster.release().one(Deployment.class, "-signaling");
    Map<String, EnvVar> env = envOf(d.getSpec().getTemplate().getSpec().getContainers().get(0));
    assertFalse(env.containsKey("GREENMESH_SEED_NODES"), "the chart forms the cluster with no seed nodes");

    long t0 = System.nanoTime();
    MembershipWatch watch = new MembershipWatch(d.getSpec().getReplicas());
    cluster.apply(cluster.release(), Duration.ofSeconds(150));
    long ready = (System.nanoTime() - t0) / 1_000_000;
    watch.stop();
    List<SimulatedPod> pods = cluster.pods(signaling);
    assertEquals(d.getSpec().getReplicas(), pods.size());
    Set<String> leaders = new HashSet<>();
    for (SimulatedPod p : pods) {
      JsonNode members = management(p, "/cluster/members");
      assertEquals(pods.size(), upMembers(members), () -> p.name + ": " + members);
      leaders.add(members.path("leader").asText());
    }
    assertEquals(1, leaders.size(), "one cluster, one leader: " + leaders);
    for (SimulatedPod p : pods) {
      assertTrue(cluster.api.calls().stream().anyMatch(c -> c.startsWith("200 list /api/v1/namespaces/"
          + Chart.NAMESPACE + "/pods")), "discovery listed the pods through the API stand-in");
      assertEquals(0, p.restarts(), p.name + " restarted");
    }
    FIGURES.put("form: 3 pods started to all Up in one cluster", watch.allUpMillis(t0) + " ms");
    FIGURES.put("form: 3 pods started to all Ready (readiness probe, initialDelay 5 s, period 5 s)", ready + " ms");
  }

  @Test
  @Order(2)
  void theApiStandInAnswersOnlyWhatTheRenderedRoleAllows() throws Exception {
    installedAt(cluster.release());
    SimulatedPod pod = cluster.pods(signaling).get(0);
    Path token = Chart.root().resolve("helm/target/chart-simulation").resolve(pod.name).resolve("serviceaccount/token");
    String bearer = Files.readString(token);
    String base = "https://" + cluster.network.testAddress() + ":" + cluster.api.port();
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(cluster.api.caCert())).build();
    String selector = pod.env().get("GREENMESH_KUBERNETES_POD_LABEL_SELECTOR");
    String podsPath = "/api/v1/namespaces/" + Chart.NAMESPACE + "/pods?labelSelector="
        + java.net.URLEncoder.encode(selector, java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<String> list = get(https, base + podsPath, bearer);
    assertEquals(200, list.statusCode(), list.body());
    JsonNode items = JSON.readTree(list.body()).path("items");
    assertEquals(cluster.pods(signaling).size(), items.size(), "the selector the chart sets finds the signaling pods only");
    for (JsonNode item : items) {
      assertEquals("Running", item.at("/status/phase").asText());
      assertTrue(item.at("/status/podIP").asText().startsWith("198.19."));
    }
    assertEquals(401, get(https, base + podsPath, "not-a-token").statusCode());
    assertEquals(403, get(https, base + "/api/v1/namespaces/" + Chart.NAMESPACE + "/secrets", bearer).statusCode(),
        "the Role gives pods only");
    assertEquals(403, get(https, base + "/api/v1/namespaces/kube-system/pods", bearer).statusCode(),
        "the RoleBinding is for the release's namespace only");
    RenderedRelease noRbac = RenderedRelease.render("signaling:\n  rbac:\n    create: false\n");
    assertFalse(KubeApiStandIn.allowed(noRbac.roles(), noRbac.roleBindings(), Chart.NAMESPACE,
        pod.template.getSpec().getServiceAccountName(), "pods", "list", Chart.NAMESPACE),
        "without the chart's Role, discovery would get 403");
  }

  @Test
  @Order(3)
  void helmUpgradeRollsOneReplicaAtATimeAndEverySessionResumes() {
    installedAt(cluster.release());
    RenderedRelease next = RenderedRelease.renderAppVersion(NEXT_VERSION, "");
    Deployment d = next.one(Deployment.class, "-signaling");
    int replicas = d.getSpec().getReplicas();
    PodDisruptionBudget pdb = next.pdbFor(d.getSpec().getTemplate()).orElseThrow();
    int minReady = replicas - pdb.getSpec().getMaxUnavailable().getIntVal();
    int maxPods = replicas + d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
    try (CallLoad load = load(); PodCount count = new PodCount()) {
      SimulatedCluster.sleep(3000);
      long t0 = System.nanoTime();
      cluster.apply(next, Duration.ofSeconds(240));
      cluster.awaitTerminations(Duration.ofSeconds(90));
      long rolled = (System.nanoTime() - t0) / 1_000_000;
      settle(load);
      count.stop();
      assertTrue(count.minReady >= minReady, "ready pods fell to " + count.minReady + ", the PDB allows " + minReady);
      assertTrue(count.maxAlive <= maxPods, count.maxAlive + " pods at once, the strategy allows " + maxPods);
      assertAllOneCluster(replicas);
      cluster.pods(signaling).forEach(p -> assertEquals(NEXT_VERSION, p.appVersion()));
      List<SimulatedPod.Termination> stops = cluster.terminations();
      assertEquals(replicas, stops.size(), "each old replica stopped once: " + stops);
      for (SimulatedPod.Termination t : stops) {
        assertFalse(t.killed(), t.pod() + " needed SIGKILL: coordinated shutdown did not finish within the grace period");
        assertTrue(t.preStopMillis() + t.shutdownMillis() < t.graceMillis(), t.toString());
      }
      assertLoadHeld(load, "upgrade");
      FIGURES.put("upgrade: rollout of 3 replicas (preStop 10 s each)", rolled + " ms");
      FIGURES.put("upgrade: SIGTERM to exit per old pod", stops.stream().map(t -> t.shutdownMillis() + " ms").toList()
          + " of " + stops.get(0).graceMillis() / 1000 + " s grace");
      FIGURES.put("upgrade: min ready / max pods", count.minReady + " / " + count.maxAlive);
      FIGURES.put("upgrade: load", load.summary());
    }
  }

  @Test
  @Order(4)
  void scalingThreeToFiveAndBackRebalancesRoomsAndLosesNoSession() {
    RenderedRelease five = RenderedRelease.renderAppVersion(NEXT_VERSION, "signaling:\n  replicaCount: 5\n");
    RenderedRelease three = RenderedRelease.renderAppVersion(NEXT_VERSION, "");
    assertEquals(SimulatedCluster.hash(three.one(Deployment.class, "-signaling").getSpec().getTemplate()),
        SimulatedCluster.hash(five.one(Deployment.class, "-signaling").getSpec().getTemplate()),
        "changing replicaCount must scale the Deployment, not change its pod template (which restarts every pod)");
    installedAt(three);
    try (CallLoad load = load()) {
      SimulatedCluster.sleep(3000);
      List<SimulatedPod> before = cluster.pods(signaling);
      int stopsBefore = cluster.terminations().size();
      long t0 = System.nanoTime();
      cluster.apply(five, Duration.ofSeconds(150));
      long up = (System.nanoTime() - t0) / 1_000_000;
      assertAllOneCluster(5);
      List<SimulatedPod> added = cluster.pods(signaling).stream().filter(p -> !before.contains(p)).toList();
      assertEquals(2, added.size());
      long t1 = System.nanoTime();
      Net.await("rooms on the new replicas", Duration.ofSeconds(40),
          () -> added.stream().allMatch(p -> shards(p) != null && !shards(p).isEmpty()),
          () -> added.stream().map(p -> p.name + " " + shards(p)).toList().toString());
      long rebalanced = (System.nanoTime() - t1) / 1_000_000;
      Map<String, Integer> spread = new LinkedHashMap<>();
      cluster.pods(signaling).forEach(p -> spread.put(p.name.substring(p.name.length() - 5), shards(p).size()));
      long t2 = System.nanoTime();
      cluster.apply(three, Duration.ofSeconds(150));
      cluster.awaitTerminations(Duration.ofSeconds(90));
      long down = (System.nanoTime() - t2) / 1_000_000;
      settle(load);
      assertAllOneCluster(3);
      List<SimulatedPod.Termination> stops = cluster.terminations().subList(stopsBefore, cluster.terminations().size());
      assertEquals(2, stops.size(), "scaling down stops two pods: " + stops);
      stops.forEach(t -> assertFalse(t.killed(), t + " needed SIGKILL"));
      assertLoadHeld(load, "scale");
      FIGURES.put("scale: 3 -> 5 ready and Up", up + " ms");
      FIGURES.put("scale: new replicas host rooms after", rebalanced + " ms (shards per pod " + spread + ")");
      FIGURES.put("scale: 5 -> 3 (two pods stopped at once)", down + " ms");
      FIGURES.put("scale: load", load.summary());
    }
  }

  @Test
  @Order(5)
  void aPartitionKeepsTheMajorityServesNoRoomOnBothSidesAndTheMinoritysClientsResumeThere() {
    installedAt(cluster.release());
    List<SimulatedPod> pods = cluster.pods(signaling);
    assertEquals(3, pods.size());
    SimulatedPod minority = pods.get(0);
    List<SimulatedPod> majority = pods.subList(1, 3);
    try (CallLoad load = load()) {
      SimulatedCluster.sleep(4000);
      int joinsFailedBefore = load.joinsFailed.size();
      List<String> doubleHomed = new CopyOnWriteArrayList<>();
      AtomicBoolean watching = new AtomicBoolean(true);
      Thread shardWatch = new Thread(() -> {
        while (watching.get()) {
          Set<String> minorityShards = minority.ready() || !minority.gone() ? shardsOrEmpty(minority) : Set.of();
          for (SimulatedPod p : majority) {
            for (String s : shardsOrEmpty(p)) {
              if (minorityShards.contains(s)) {
                doubleHomed.add("shard " + s + " on " + minority.name + " and " + p.name);
              }
            }
          }
          SimulatedCluster.sleep(200);
        }
      }, "shard watch");
      shardWatch.start();
      long t0 = System.nanoTime();
      cluster.network.partition(List.of(minority.sandbox), majority.stream().map(p -> p.sandbox).toList());
      Net.await("the majority removes the minority", Duration.ofSeconds(60), () -> majority.stream().allMatch(p -> {
        JsonNode m = management(p, "/cluster/members");
        return m != null && upMembers(m) == 2 && m.path("members").size() == 2 && m.path("unreachable").isEmpty();
      }), () -> majority.stream().map(p -> String.valueOf(management(p, "/cluster/members"))).toList().toString());
      long majorityDecided = (System.nanoTime() - t0) / 1_000_000;
      Net.await("the minority downs itself", Duration.ofSeconds(60), () -> minority.restarts() > 0 || !minority.ready(),
          () -> minority.tail(30));
      long minorityOut = (System.nanoTime() - t0) / 1_000_000;
      Net.await("every session connected again and signalling", Duration.ofSeconds(60),
          () -> load.allConnected() && load.recoveredAfterMillis(t0) >= 0, load::summary);
      long recovered = load.recoveredAfterMillis(t0);
      int joinsFailedDuring = load.joinsFailed.size() - joinsFailedBefore;
      assertFalse(minority.ready(), "a minority node cut off from the majority must not be ready");
      long t1 = System.nanoTime();
      cluster.network.heal(pods.stream().map(p -> p.sandbox).toList());
      Net.await("the minority pod back in the cluster and ready", Duration.ofSeconds(90), minority::ready,
          () -> minority.tail(30));
      long rejoined = (System.nanoTime() - t1) / 1_000_000;
      watching.set(false);
      Net.await("every session connected", Duration.ofSeconds(45), load::allConnected, load::details);
      long lost = signalsNotDeliveredAfter(load, Duration.ofSeconds(15));
      assertAllOneCluster(3);
      assertTrue(doubleHomed.isEmpty(), "rooms served on both sides: " + doubleHomed);
      assertTrue(load.sessionsLost.isEmpty(), "sessions lost: " + load.sessionsLost);
      assertTrue(load.peerLeftSeen().isEmpty(), "peers saw their partner leave: " + load.peerLeftSeen());
      FIGURES.put("partition 2|1: majority removed the minority after", majorityDecided + " ms");
      FIGURES.put("partition 2|1: minority out of service after", minorityOut + " ms (restarts " + minority.restarts() + ")");
      FIGURES.put("partition 2|1: every call signalling again after (time to recover)", recovered + " ms");
      FIGURES.put("partition 2|1: joins failed while split", String.valueOf(joinsFailedDuring) + " "
          + load.joinsFailed.subList(joinsFailedBefore, load.joinsFailed.size()));
      FIGURES.put("partition healed: minority pod ready in the cluster after", rejoined + " ms");
      FIGURES.put("partition: signals never delivered (sent into the minority before it went down)", lost + " of "
          + load.signalsSent());
      FIGURES.put("partition: load", load.summary());
    }
  }

  @Test
  @Order(6)
  void theHostNetworkRelayAdvertisesTheAddressAndPortsTheManifestsOpen() {
    installedAt(cluster.release());
    DaemonSet ds = cluster.release().one(DaemonSet.class, "-turn");
    assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork(), "the default relay shape is hostNetwork");
    SimulatedPod relay = cluster.pods(ds.getMetadata().getName()).get(0);
    Net.await("the relay ready", Duration.ofSeconds(60), relay::ready, () -> relay.tail(30));
    Map<String, String> env = relay.env();
    int min = Integer.parseInt(env.get("GREENMESH_TURN_RELAY_PORT_MIN"));
    int max = Integer.parseInt(env.get("GREENMESH_TURN_RELAY_PORT_MAX"));
    int turnPort = relay.port("turn-udp");
    List<String> allocated = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (TurnClient client = new TurnClient(new InetSocketAddress(relay.ip(), turnPort),
          addr(cluster.network.testAddress()), env.get("GREENMESH_TURN_SECRET"), "sim-" + i)) {
        int port = client.allocate();
        assertEquals(cluster.network.nodeAddress(), client.relayedAddress(),
            "the relayed address is the node's (status.hostIP), where the host-network relay listens");
        assertTrue(port >= min && port <= max, port + " outside the rendered relay range " + min + "-" + max);
        allocated.add(client.relayedAddress() + ":" + port);
      }
    }
    // What signaling hands to clients names the port the relay pod opens on the node.
    SimulatedPod node = cluster.pods(signaling).get(0);
    String urls = node.env().get("GREENMESH_TURN_URLS");
    for (String url : urls.split(",")) {
      assertTrue(url.matches("turns?:[^:]+:" + turnPort + "\\?transport=(udp|tcp)"), url);
    }
    FIGURES.put("relay (hostNetwork): allocations", allocated + " in " + min + "-" + max);
  }

  // ---- helpers ----

  /**
   * The scenarios run in order on one cluster; when surefire reruns a failed one (see test.sh), the class starts
   * afresh with nothing installed, so the rerun first installs the release the scenario starts from.
   */
  private static void installedAt(RenderedRelease release) {
    if (cluster.pods(signaling).isEmpty()) {
      cluster.apply(release, Duration.ofSeconds(150));
    }
  }

  private static CallLoad load() {
    return new CallLoad(() -> cluster.pick("-signaling", "http"), 4);
  }

  /** After a change, waits until the calls are whole again: every peer connected, every signal delivered. */
  private static void settle(CallLoad load) {
    Net.await("every session connected and every signal delivered", Duration.ofSeconds(45),
        () -> load.allConnected() && load.undelivered() == 0, () -> load.details() + cluster.warnings(8));
  }

  /** Waits up to {@code patience} for every signal to arrive; returns how many did not. */
  private static long signalsNotDeliveredAfter(CallLoad load, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (load.undelivered() > 0 && System.nanoTime() < deadline) {
      SimulatedCluster.sleep(250);
    }
    return load.undelivered();
  }

  private static void assertLoadHeld(CallLoad load, String scenario) {
    assertTrue(load.joinsFailed.isEmpty(), scenario + ": joins failed: " + load.joinsFailed);
    assertTrue(load.sessionsLost.isEmpty(), scenario + ": sessions lost: " + load.sessionsLost);
    assertTrue(load.peerLeftSeen().isEmpty(), scenario + ": peers saw their partner leave: " + load.peerLeftSeen());
    assertTrue(load.joinsOk.get() > 0, scenario + ": no join ran");
  }

  private static void assertAllOneCluster(int size) {
    Net.await(size + " Up members seen by every pod", Duration.ofSeconds(60), () -> {
      List<SimulatedPod> pods = cluster.pods(signaling);
      return pods.size() == size && pods.stream().allMatch(p -> {
        JsonNode m = management(p, "/cluster/members");
        return p.ready() && m != null && upMembers(m) == size && m.path("members").size() == size;
      });
    }, () -> cluster.describe(signaling));
  }

  private static int upMembers(JsonNode members) {
    int up = 0;
    for (JsonNode m : members.path("members")) {
      up += m.path("status").asText().equals("Up") ? 1 : 0;
    }
    return up;
  }

  /** GET on the pod's management port: the port its readiness probe names. */
  static JsonNode management(SimulatedPod p, String path) {
    Container c = p.template.getSpec().getContainers().get(0);
    int port = p.port(c.getReadinessProbe().getHttpGet().getPort());
    try {
      HttpResponse<String> r = Net.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + p.ip() + ":" + port + path))
          .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The room shards this pod's region hosts (Pekko Management's /cluster/shards/room), or null. */
  private static Set<String> shards(SimulatedPod p) {
    JsonNode r = management(p, "/cluster/shards/room");
    if (r == null) {
      return null;
    }
    Set<String> out = new HashSet<>();
    r.path("regions").forEach(s -> out.add(s.path("shardId").asText()));
    return out;
  }

  private static Set<String> shardsOrEmpty(SimulatedPod p) {
    Set<String> s = p.gone() ? null : shards(p);
    return s == null ? Set.of() : s;
  }

  private static Map<String, EnvVar> envOf(Container c) {
    Map<String, EnvVar> out = new HashMap<>();
    c.getEnv().forEach(e -> out.put(e.getName(), e));
    return out;
  }

  private static InetAddress addr(String a) {
    try {
      return InetAddress.getByName(a);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpResponse<String> get(HttpClient client, String url, String bearer) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls every pod's membership; remembers when all of them first saw the whole cluster Up. */
  private static final class MembershipWatch {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long allUpAt = -1;

    MembershipWatch(int size) {
      thread = new Thread(() -> {
        while (running && allUpAt < 0) {
          List<SimulatedPod> pods = cluster.pods(signaling);
          if (pods.size() == size && pods.stream().allMatch(p -> {
            JsonNode m = management(p, "/cluster/members");
            return m != null && upMembers(m) == size;
          })) {
            allUpAt = System.nanoTime();
          }
          SimulatedCluster.sleep(250);
        }
      }, "membership watch");
      thread.start();
    }

    long allUpMillis(long since) {
      return allUpAt < 0 ? -1 : (allUpAt - since) / 1_000_000;
    }

    void stop() {
      running = false;
    }
  }

  /** Samples the signaling pods: fewest ready (not terminating), most alive at once. */
  private static final class PodCount implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    volatile int minReady = Integer.MAX_VALUE;
    volatile int maxAlive;

    PodCount() {
      thread = new Thread(() -> {
        while (running) {
          List<SimulatedPod> pods = cluster.pods(signaling);
          minReady = Math.min(minReady, (int) pods.stream().filter(SimulatedPod::ready).count());
          maxAlive = Math.max(maxAlive, (int) pods.stream().filter(p -> !p.terminating()).count());
          SimulatedCluster.sleep(100);
        }
      }, "pod count");
      thread.start();
    }

    void stop() {
      running = false;
    }

    @Override
    public void close() {
      stop();
    }
  }
}
