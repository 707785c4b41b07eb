package io.greenmesh.signaling.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.support.FreePorts;
import io.greenmesh.signaling.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Three GreenMesh nodes as separate containers, built from the real image, on host networking bound to loopback.
 * A node is killed under signalling load, then every node is restarted in turn.
 *
 * <p>Needs a Docker engine (./test.sh starts one without a bridge) and the offline base image; in CI a missing engine
 * fails the test rather than skipping it.
 */
class ContainerClusterIT {
  private static final String BASE_IMAGE = "greenmesh/jre-base:17";
  private static final String SECRET = "cluster-it-" + UUID.randomUUID();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static String image;
  private static final Node[] NODES = new Node[3];
  private static String seeds;

  /** One node: its fixed loopback ports, and the container currently serving them (replaced on restart). */
  private static final class Node {
    final int http = FreePorts.next();
    final int management = FreePorts.next();
    final int cluster = FreePorts.next();
    volatile GenericContainer<?> container;
    volatile boolean live;
  }

  @BeforeAll
  static void buildImageAndStartCluster() throws Exception {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      if (System.getenv("CI") != null) {
        fail("no Docker engine: ./test.sh starts one (scripts/docker/setup.sh)");
      }
      org.junit.jupiter.api.Assumptions.abort("no Docker engine; run ./test.sh");
    }
    Path jar = Path.of(System.getProperty("greenmesh.jar", "target/greenmesh.jar"));
    Path dockerfile = Path.of(System.getProperty("greenmesh.dockerfile", "Dockerfile"));
    assertTrue(Files.isRegularFile(jar), jar + " missing: this test runs after package");
    image = buildImage(dockerfile, jar);
    for (int i = 0; i < 3; i++) {
      NODES[i] = new Node();
    }
    seeds = "pekko://greenmesh@127.0.0.1:" + NODES[0].cluster + ",pekko://greenmesh@127.0.0.1:" + NODES[1].cluster;
    for (Node n : NODES) {
      start(n);
    }
    for (Node n : NODES) {
      awaitReady(n, Duration.ofSeconds(90));
    }
    awaitUpMembers(3, Duration.ofSeconds(60));
  }

  /**
   * Builds the node image with the docker CLI (the engine here has no bridge network, which Testcontainers' own
   * image builder asks for) from a context holding just the jar, on the offline base image.
   */
  private static String buildImage(Path dockerfile, Path jar) throws IOException, InterruptedException {
    String tag = "greenmesh/signaling:cluster-it";
    Path context = Files.createDirectories(Path.of("target/cluster-it-image/target"));
    Files.copy(jar, context.resolve("greenmesh.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Process p = new ProcessBuilder("docker", "build", "-q", "-t", tag, "--build-arg", "BASE_IMAGE=" + BASE_IMAGE,
        "-f", dockerfile.toAbsolutePath().toString(), context.getParent().toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "docker build timed out");
    assertEquals(0, p.exitValue(), () -> "docker build failed:\n" + output);
    return tag;
  }

  @AfterAll
  static void stopAll() {
    for (Node n : NODES) {
      if (n != null && n.container != null) {
        n.container.stop();
      }
    }
  }

  private static void start(Node n) throws IOException {
    Path logs = Files.createDirectories(Path.of("target/cluster-it-logs"));
    Path log = logs.resolve("node-" + n.http + "-" + System.currentTimeMillis() + ".log");
    GenericContainer<?> c = new GenericContainer<>(image)
        .withNetworkMode("host")
        .withEnv(Map.ofEntries(
            Map.entry("GREENMESH_HTTP_HOST", "127.0.0.1"),
            Map.entry("GREENMESH_HTTP_PORT", Integer.toString(n.http)),
            Map.entry("GREENMESH_MANAGEMENT_HOST", "127.0.0.1"),
            Map.entry("GREENMESH_MANAGEMENT_PORT", Integer.toString(n.management)),
            Map.entry("GREENMESH_CLUSTER_HOST", "127.0.0.1"),
            Map.entry("GREENMESH_CLUSTER_PORT", Integer.toString(n.cluster)),
            Map.entry("GREENMESH_SEED_NODES", seeds),
            Map.entry("GREENMESH_TURN_ENABLED", "false"),
            Map.entry("GREENMESH_TURN_SECRET", SECRET),
            Map.entry("GREENMESH_SESSION_SECRET", SECRET),
            Map.entry("GREENMESH_PEKKO_LOG_LEVEL", "INFO"),
            Map.entry("JDK_JAVA_OPTIONS", "-Xmx384m")))
        .withLogConsumer(frame -> {
          try {
            Files.writeString(log, frame.getUtf8String(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
          } catch (IOException e) {
            // logs are a courtesy
          }
        });
    c.start();
    n.container = c;
  }

  private static void awaitReady(Node n, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("http://127.0.0.1:" + n.http + "/ready") == 200) {
        n.live = true;
        return;
      }
      Thread.sleep(250);
    }
    fail("node on " + n.http + " not ready within " + within);
  }

  private static void awaitUpMembers(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    String expected = "greenmesh_cluster_members{status=\"up\"} " + count + ".0";
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (Node n : NODES) {
        all &= n.live && body("http://127.0.0.1:" + n.http + "/metrics").contains(expected);
      }
      if (all) {
        return;
      }
      Thread.sleep(250);
    }
    fail("cluster did not reach " + count + " Up members within " + within);
  }

  private static int get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String body(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** A room member: the client, what it has seen that a test did not consume, its identity. */
  private static final class Member {
    volatile WsClient client;
    final String peerId;
    final String token;
    final List<JsonNode> unconsumed = new ArrayList<>();

    Member(WsClient client, JsonNode welcome) {
      this.client = client;
      this.peerId = welcome.get("peerId").asText();
      this.token = welcome.get("sessionToken").asText();
    }

    /** Waits for a signal from {@code from} carrying {@code data}, keeping everything else it sees. */
    void awaitSignal(String from, String data) {
      while (true) {
        JsonNode f = client.next();
        if (f.get("type").asText().equals("signal") && f.get("from").asText().equals(from)
            && f.get("data").asText().equals(data)) {
          return;
        }
        unconsumed.add(f);
      }
    }

    void drain() {
      for (JsonNode f = client.poll(Duration.ofMillis(200)); f != null; f = client.poll(Duration.ofMillis(200))) {
        unconsumed.add(f);
      }
    }
  }

  private static void send(Member from, Member to, String data) {
    from.client.send("{\"type\":\"signal\",\"to\":\"" + to.peerId + "\",\"data\":\"" + data + "\"}");
  }

  @Test
  void aKilledNodesClientsResumeWithin10sAndNobodyElseNotices_thenARollingRestartFailsNoJoin() throws Exception {
    // 12 rooms, one member on each node.
    List<Member[]> rooms = new ArrayList<>();
    for (int r = 0; r < 12; r++) {
      String room = "it-" + UUID.randomUUID().toString().substring(0, 8);
      Member[] members = new Member[3];
      for (int i = 0; i < 3; i++) {
        WsClient c = new WsClient(NODES[i].http);
        members[i] = new Member(c, c.join(room, "m" + i));
        for (int earlier = 0; earlier < i; earlier++) {
          assertEquals("peer-joined", members[earlier].client.next().get("type").asText());
        }
      }
      rooms.add(members);
    }

    // Steady signalling between the members on nodes 0 and 1, while node 2 dies.
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger sentPerRoom = new AtomicInteger();
    Thread load = new Thread(() -> {
      int seq = 0;
      while (loading.get() && seq < 2_000) {
        for (Member[] m : rooms) {
          send(m[0], m[1], "L" + seq);
        }
        sentPerRoom.set(++seq);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "steady-load");
    load.start();
    Thread.sleep(1_000);

    Node victim = NODES[2];
    victim.live = false;
    long killedAt = System.nanoTime();
    victim.container.getDockerClient().killContainerCmd(victim.container.getContainerId()).exec();
    System.out.println("killed node " + victim.http + " at " + java.time.LocalTime.now());

    // Every client of the dead node notices at once (its TCP connection is reset) and resumes, in parallel, as
    // browsers would: half on node 0, half on node 1.
    java.util.concurrent.ExecutorService resumers = java.util.concurrent.Executors.newFixedThreadPool(rooms.size());
    List<java.util.concurrent.Future<Long>> resumes = new ArrayList<>();
    for (int r = 0; r < rooms.size(); r++) {
      Member lost = rooms.get(r)[2];
      Node target = NODES[r % 2];
      resumes.add(resumers.submit(() -> {
        lost.client.abort();
        JsonNode welcome = resume(lost, target, killedAt + Duration.ofSeconds(10).toNanos());
        assertEquals(lost.peerId, welcome.get("peerId").asText());
        return (System.nanoTime() - killedAt) / 1_000_000;
      }));
    }
    List<Long> resumeMillis = new ArrayList<>();
    for (java.util.concurrent.Future<Long> f : resumes) {
      resumeMillis.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
    }
    resumers.shutdown();
    // Nothing sent after the resume is lost, in either direction.
    for (Member[] m : rooms) {
      send(m[0], m[2], "after-resume");
      m[2].awaitSignal(m[0].peerId, "after-resume");
      send(m[2], m[0], "back");
      m[0].awaitSignal(m[2].peerId, "back");
    }
    loading.set(false);
    load.join();
    Thread.sleep(500);

    for (Member[] m : rooms) {
      for (int i = 0; i < 2; i++) {
        m[i].drain();
        for (JsonNode f : m[i].unconsumed) {
          String type = f.get("type").asText();
          assertTrue(!type.equals("peer-left") && !type.equals("error"), "member on a surviving node saw " + f);
        }
      }
      List<String> load1 = m[1].unconsumed.stream()
          .filter(f -> f.get("type").asText().equals("signal") && f.get("from").asText().equals(m[0].peerId))
          .map(f -> f.get("data").asText()).toList();
      List<String> expected = new ArrayList<>();
      for (int s = 0; s < sentPerRoom.get(); s++) {
        expected.add("L" + s);
      }
      assertEquals(expected, load1, "steady signals between surviving nodes: all, once, in order");
    }
    long worst = resumeMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.println("resume after docker kill (ms since kill, per client): " + resumeMillis);
    assertTrue(worst <= 10_000, "slowest resume " + worst + " ms");
    for (Member[] m : rooms) {
      for (Member member : m) {
        member.client.close();
      }
    }

    // Bring the killed node back, then restart every node in turn while joins keep coming.
    victim.container.stop();
    start(victim);
    awaitReady(victim, Duration.ofSeconds(90));
    awaitUpMembers(3, Duration.ofSeconds(60));
    rollingRestartWithJoins();
  }

  private static JsonNode resume(Member m, Node target, long deadlineNanos) {
    while (true) {
      assertTrue(System.nanoTime() < deadlineNanos, "no resume within 10 s of the kill");
      WsClient c = new WsClient(target.http);
      m.client = c;
      c.send("{\"type\":\"resume\",\"sessionToken\":\"" + m.token + "\"}");
      JsonNode reply = c.next(Duration.ofSeconds(12)); // the node answers "internal" after its 10 s join timeout
      System.out.println("resume " + m.peerId + " on " + target.http + ": " + reply.get("type").asText() + " after "
          + (System.nanoTime() - (deadlineNanos - Duration.ofSeconds(10).toNanos())) / 1_000_000 + " ms");
      if (reply.get("type").asText().equals("welcome")) {
        return reply;
      }
      assertEquals("internal", reply.path("code").asText(), reply::toString); // the room is still re-homing
      c.close();
    }
  }

  private void rollingRestartWithJoins() throws Exception {
    AtomicBoolean joining = new AtomicBoolean(true);
    AtomicInteger joined = new AtomicInteger();
    AtomicInteger retried = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    Thread joiner = new Thread(() -> {
      int attempt = 0;
      while (joining.get() && attempt++ < 2_000) {
        Node n = NODES[attempt % 3];
        if (!n.live) {
          continue;
        }
        WsClient c = null;
        try {
          c = new WsClient(n.http);
          c.send("{\"type\":\"join\",\"room\":\"roll-" + attempt + "\"}");
          JsonNode reply = c.next();
          if (reply.get("type").asText().equals("welcome")) {
            joined.incrementAndGet();
          } else {
            failures.add(reply.toString());
          }
        } catch (RuntimeException | AssertionError connectionCutByShutdown) {
          retried.incrementAndGet(); // the node went away mid-join: a client reconnects elsewhere
        } finally {
          if (c != null) {
            c.close();
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "joiner");
    joiner.start();
    for (Node n : NODES) {
      n.live = false;
      Thread.sleep(300); // let in-flight joins on this node finish
      n.container.getDockerClient().stopContainerCmd(n.container.getContainerId()).withTimeout(30).exec();
      n.container.stop();
      start(n);
      awaitReady(n, Duration.ofSeconds(90));
      awaitUpMembers(3, Duration.ofSeconds(60));
    }
    joining.set(false);
    joiner.join();
    System.out.println("rolling restart: " + joined.get() + " joins, " + retried.get() + " cut connections, "
        + failures.size() + " failed");
    assertTrue(joined.get() > 20, "joins kept happening: " + joined.get());
    assertEquals(List.of(), failures, "no join fails during a rolling restart");
  }
}
