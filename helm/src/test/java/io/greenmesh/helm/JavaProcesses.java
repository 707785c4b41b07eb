package io.greenmesh.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The project's jars started as {@code java -jar}, small-heaped, with only the GREENMESH_* variables given. */
final class JavaProcesses {
  private JavaProcesses() {}

  static Process start(Path jar, Path log, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("GREENMESH_"));
    pb.environment().putAll(env);
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** The last 40 lines of a log, for a failure message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log " + log + ")";
    }
  }
}
