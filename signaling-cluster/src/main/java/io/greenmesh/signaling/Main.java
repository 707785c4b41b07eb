package io.greenmesh.signaling;

import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.config.PortInUseException;
import io.greenmesh.turn.config.ConfigurationException;
import io.greenmesh.turn.config.EnvironmentVariables;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code java -jar greenmesh.jar}: starts one node on the configuration in application.conf and the environment. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(io.greenmesh.signaling.auth.TokenCommand.run(args));
      return;
    }
    // Logging set up before Pekko's threads log concurrently: otherwise SLF4J replays their first calls with a
    // three-line warning on every start.
    org.slf4j.LoggerFactory.getILoggerFactory();
    for (String warning : EnvironmentVariables.unread(System.getenv(), readVariables())) {
      System.err.println("greenmesh: warning: " + warning);
    }
    GreenMeshNode node;
    try {
      node = GreenMeshNode.start(ConfigFactory.empty());
    } catch (ConfigurationException e) {
      System.err.println("greenmesh: configuration cannot serve: " + e.getMessage());
      System.exit(2);
      return;
    } catch (PortInUseException e) {
      System.err.println("greenmesh: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // A configuration mistake deserves one clear line, not a stack trace; GREENMESH_DEBUG=1 shows the trace.
      System.err.println("greenmesh: could not start: " + e.getMessage());
      if (System.getenv("GREENMESH_DEBUG") != null) {
        e.printStackTrace();
      }
      System.exit(1);
      return;
    }
    int port = node.httpPort();
    System.out.println("GreenMesh node up: demo http://localhost:" + port + "/  signaling ws://localhost:" + port
        + "/v1/ws  metrics http://localhost:" + port + "/metrics"
        + (node.turnPort() > 0 ? "  TURN udp/tcp " + node.turnPort() : ""));
    node.awaitTermination();
    System.exit(0);
  }

  /** What the configuration reads, and the few variables read outside it (run.sh's JVM options, this class). */
  private static Set<String> readVariables() {
    Set<String> read = new TreeSet<>(EnvironmentVariables.read(Main.class.getClassLoader(), List.of("logback.xml")));
    read.addAll(List.of("GREENMESH_DEBUG", "GREENMESH_JAVA_OPTS"));
    return read;
  }
}
