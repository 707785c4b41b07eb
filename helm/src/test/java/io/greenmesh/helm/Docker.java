package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The docker CLI against the bridgeless engine scripts/docker/ensure-dockerd.sh starts. Images are built on the
 * offline base (scripts/docker/build-base-image.sh); containers run with {@code --network host} on loopback ports
 * the test chooses, and are removed by their id.
 */
final class Docker {
  static final String BASE_IMAGE = "greenmesh/jre-base:17";
  static final String SIGNALING_IMAGE = "greenmesh/signaling:it";
  static final String TURN_IMAGE = "greenmesh/turn:it";

  private Docker() {}

  /** Starts the engine and builds the base when needed; fails in CI, skips elsewhere, when that is impossible. */
  static void ensureEngineAndBase() {
    Path scripts = Chart.root().resolve("scripts/docker");
    for (String script : List.of("ensure-dockerd.sh", "build-base-image.sh")) {
      Tools.Result r = Tools.run(Duration.ofMinutes(5), scripts, List.of("bash", scripts.resolve(script).toString()));
      if (r.exitCode() != 0) {
        String message = script + " failed (exit " + r.exitCode() + "):\n" + r.output();
        if (Tools.inCi()) {
          fail(message);
        }
        Assumptions.abort(message);
      }
    }
  }

  /**
   * Builds {@code tag} from {@code dockerfile} with a context holding only the jar at the path the Dockerfile
   * copies from (target/...), on the offline base.
   */
  static void build(String tag, Path dockerfile, Path jar) {
    if (!Files.isRegularFile(jar)) {
      fail(jar + " is missing: build the modules first (mvn install -DskipTests, or the whole reactor)");
    }
    try {
      Path context = Files.createDirectories(Chart.root().resolve("helm/target/docker-context-" + tag.replaceAll("\\W", "-")));
      Files.createDirectories(context.resolve("target"));
      Files.copy(jar, context.resolve("target").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      Tools.Result r = docker(Duration.ofMinutes(5), "build", "-q", "-t", tag, "--build-arg", "BASE_IMAGE=" + BASE_IMAGE,
          "-f", dockerfile.toString(), context.toString());
      assertEquals(0, r.exitCode(), () -> "docker build " + tag + ":\n" + r.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String inspect(String image, String format) {
    Tools.Result r = docker(Duration.ofSeconds(30), "image", "inspect", "--format", format, image);
    assertEquals(0, r.exitCode(), r.output());
    return r.output().strip();
  }

  /** {@code docker run -d --network host} with the environment given as NAME=value; returns the container id. */
  static String runDetached(String image, List<String> env, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--network", "host"));
    for (String e : env) {
      args.add("-e");
      args.add(e);
    }
    args.addAll(List.of(extra));
    args.add(image);
    Tools.Result r = docker(Duration.ofSeconds(60), args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), () -> "docker run " + image + ":\n" + r.output());
    List<String> lines = r.output().strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  static String logs(String container) {
    return docker(Duration.ofSeconds(30), "logs", container).output();
  }

  /** Stops (SIGTERM, then after the grace period SIGKILL) and removes the container this test started. */
  static void remove(String container) {
    if (container != null) {
      docker(Duration.ofSeconds(40), "stop", "-t", "20", container);
      docker(Duration.ofSeconds(30), "rm", "-f", container);
    }
  }

  static Tools.Result docker(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    return Tools.run(timeout, null, command);
  }
}
