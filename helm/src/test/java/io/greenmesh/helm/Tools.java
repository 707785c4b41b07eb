package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Running the machine's tools (promtool, prometheus, docker) with bounded waits. */
final class Tools {
  private Tools() {}

  static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
  }

  /**
   * The tool's path. Missing: the test fails in CI (where ./test.sh installs it, so missing is a broken setup) and
   * is skipped elsewhere with a message saying how to install it.
   */
  static Path require(String tool, String installHint) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = tool + " is not installed (" + installHint + ")";
    if (inCi()) {
      fail(message + ": CI must have it, ./test.sh sets it up");
    }
    Assumptions.abort(message);
    return null;
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to completion within the timeout, stdout and stderr together. */
  static Result run(Duration timeout, Path workDir, List<String> command) {
    try {
      Path out = Files.createTempFile("greenmesh-tool", ".log");
      Process p = new ProcessBuilder(command).directory(workDir == null ? null : workDir.toFile())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(out));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      Files.deleteIfExists(out);
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
