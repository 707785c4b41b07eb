package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node and relay images, built offline on the JRE base with the real Dockerfiles, started with host
 * networking on loopback ports: the node becomes ready and serves a call (the chart's helm test script joins a
 * room through it), the relay answers STUN and serves metrics. Both run as the non-root user with the container
 * JVM flags.
 */
class ImagesTest {
  static final Path ROOT = Chart.root();

  @BeforeAll
  static void engine() {
    Docker.ensureEngineAndBase();
  }

  @Test
  void signalingImageBuildsOfflineStartsAndServesARoom() {
    Docker.build(Docker.SIGNALING_IMAGE, ROOT.resolve("signaling-cluster/Dockerfile"),
        ROOT.resolve("signaling-cluster/target/greenmesh.jar"));
    assertNonRootWithContainerJvmFlags(Docker.SIGNALING_IMAGE);
    int http = Net.freePort();
    int management = Net.freePort();
    String container = Docker.runDetached(Docker.SIGNALING_IMAGE, List.of(
        "GREENMESH_HTTP_HOST=127.0.0.1", "GREENMESH_HTTP_PORT=" + http,
        "GREENMESH_MANAGEMENT_HOST=127.0.0.1", "GREENMESH_MANAGEMENT_PORT=" + management,
        "GREENMESH_CLUSTER_HOST=127.0.0.1", "GREENMESH_CLUSTER_PORT=" + Net.freePort(),
        "GREENMESH_TURN_HOST=127.0.0.1", "GREENMESH_TURN_PORT=" + Net.freePort(),
        "GREENMESH_TURN_RELAY_ADDRESS=127.0.0.1",
        "GREENMESH_TURN_SECRET=images-test-secret-0123456789"), "--memory", "768m");
    try {
      Net.await("node /ready on the HTTP port", Duration.ofSeconds(90), () -> Net.status(http, "/ready") == 200,
          () -> Docker.logs(container));
      assertEquals(200, Net.status(management, "/ready"), "Pekko Management /ready (the chart's probe)");
      assertEquals(200, Net.status(management, "/alive"));
      assertTrue(Net.get(http, "/metrics").contains("greenmesh_signaling_sessions_connected"));
      Tools.Result joined = Tools.run(Duration.ofSeconds(60), null, List.of("python3",
          Chart.dir().resolve("files/join-room.py").toString(), "127.0.0.1", String.valueOf(http)));
      assertEquals(0, joined.exitCode(), () -> "helm test script against the image: " + joined.output());
      assertTrue(joined.output().contains("signal delivered"), joined.output());
      assertEquals("10001", Docker.docker(Duration.ofSeconds(20), "exec", container, "id", "-u").output().strip());
    } finally {
      Docker.remove(container);
    }
  }

  @Test
  void relayImageBuildsOfflineStartsAndAnswersStun() {
    Docker.build(Docker.TURN_IMAGE, ROOT.resolve("turn-relay/Dockerfile"),
        ROOT.resolve("turn-relay/target/greenmesh-turn.jar"));
    assertNonRootWithContainerJvmFlags(Docker.TURN_IMAGE);
    int turn = Net.freePort();
    int metrics = Net.freePort();
    String container = Docker.runDetached(Docker.TURN_IMAGE, List.of(
        "GREENMESH_TURN_HOST=127.0.0.1", "GREENMESH_TURN_PORT=" + turn, "GREENMESH_TURN_METRICS_PORT=" + metrics,
        "GREENMESH_TURN_RELAY_ADDRESS=127.0.0.1", "GREENMESH_TURN_SECRET=images-test-secret-0123456789"),
        "--memory", "384m");
    try {
      Net.await("relay metrics", Duration.ofSeconds(60), () -> Net.status(metrics, "/metrics") == 200,
          () -> Docker.logs(container));
      assertTrue(Net.get(metrics, "/metrics").contains("greenmesh_turn_allocations_active"));
      Net.await("a STUN Binding answer", Duration.ofSeconds(20), () -> Stun.bindingAnswered(turn, 1000),
          () -> Docker.logs(container));
    } finally {
      Docker.remove(container);
    }
  }

  private static void assertNonRootWithContainerJvmFlags(String image) {
    assertEquals("10001:10001", Docker.inspect(image, "{{.Config.User}}"));
    String env = Docker.inspect(image, "{{json .Config.Env}}");
    assertTrue(env.contains("-XX:MaxRAMPercentage=75") && env.contains("-XX:+ExitOnOutOfMemoryError"), env);
  }
}
