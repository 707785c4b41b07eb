package io.greenmesh.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a new user sees: the real node and relay processes (their Main classes on this module's classpath, started
 * as {@code java -jar} would start them) given a misspelt variable. Each names the variable, stops in one line and
 * exits non-zero, before it binds any port.
 */
class MisconfiguredNodeProcessTest {

  private record Run(int exitCode, List<String> stderr) {}

  private static Run run(String mainClass, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass);
    pb.environment().keySet().removeIf(k -> k.startsWith("GREENMESH_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals("", out, "nothing on stdout: the node never came up");
    return new Run(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aTokenNodeWithItsKeyVariableMisspeltStopsInOneLine() throws Exception {
    Run r = run("io.greenmesh.signaling.Main", Map.of("GREENMESH_AUTH_POLICY", "token",
        "GREENMESH_AUTH_HS256_SECRETS", "0123456789abcdef0123456789abcdef"));
    assertEquals(List.of(
        "greenmesh: warning: GREENMESH_AUTH_HS256_SECRETS is set but no setting reads it; did you mean"
            + " GREENMESH_AUTH_HS256_SECRET?",
        "greenmesh: configuration cannot serve: GREENMESH_AUTH_POLICY is token but no key verifies a token, so no one"
            + " could join: set GREENMESH_AUTH_HS256_SECRET, GREENMESH_AUTH_PUBLIC_KEYS or GREENMESH_AUTH_JWKS_FILE"),
        r.stderr());
    assertEquals(2, r.exitCode());
  }

  @Test
  void theStandaloneRelayWithItsAddressVariableMisspeltStopsInOneLine() throws Exception {
    Run r = run("io.greenmesh.turn.Main", Map.of("GREENMESH_TURN_SECRET", "s",
        "GREENMESH_TURN_RELAY_ADRESS", "203.0.113.7"));
    assertEquals(List.of(
        "greenmesh-turn: warning: GREENMESH_TURN_RELAY_ADRESS is set but no setting reads it; did you mean"
            + " GREENMESH_TURN_RELAY_ADDRESS?",
        "greenmesh-turn: configuration cannot serve: GREENMESH_TURN_RELAY_ADDRESS is not set and GREENMESH_TURN_HOST"
            + " is 0.0.0.0: set it to the relay's public IP address, where peers send media"),
        r.stderr());
    assertEquals(2, r.exitCode());
  }
}
