package io.greenmesh.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.GreenMeshNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Combinations that each parse but cannot serve stop the node with one sentence naming what to set; the shapes the
 * docs and the chart use pass.
 */
class NodeConfigCheckTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  /**
   * application.conf and the reference.conf files as if these variables were set (root keys stand in for the
   * environment in ${?X}), checked as GreenMeshNode.start checks them.
   */
  private static List<String> problems(Map<String, String> env) {
    Config config = ConfigFactory.parseMap(env)
        .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
    return GreenMeshNode.problems(config);
  }

  private static Map<String, String> env(String... keysAndValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return env;
  }

  @Test
  void theDefaultsAndTheDocumentedShapesPass() {
    assertEquals(List.of(), problems(env()));
    assertEquals(List.of(), problems(env("GREENMESH_AUTH_POLICY", "token", "GREENMESH_AUTH_HS256_SECRET", SECRET)));
    // An external relay with the shared secret, the embedded one off.
    assertEquals(List.of(), problems(env("GREENMESH_TURN_ENABLED", "false", "GREENMESH_TURN_SECRET", "s",
        "GREENMESH_TURN_URLS", "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349")));
    // The embedded relay shares the node's generated secret, whatever name its URLs give it.
    assertEquals(List.of(), problems(env("GREENMESH_TURN_URLS", "turn:meet.example.com:3478")));
    assertEquals(List.of(), problems(env("GREENMESH_ALLOWED_ORIGINS", "https://meet.example.com,http://localhost:8080",
        "GREENMESH_SEED_NODES", "pekko://greenmesh@10.0.0.1:25520,pekko://greenmesh@[2001:db8::1]:25520",
        "GREENMESH_STUN_URLS", "stun:stun.example.com:3478", "GREENMESH_PUBLIC_HOST", "203.0.113.7")));
  }

  @Test
  void aTokenPolicyWithNoKeyIsRefused() {
    String refusal = "GREENMESH_AUTH_POLICY is token but no key verifies a token, so no one could join: set"
        + " GREENMESH_AUTH_HS256_SECRET, GREENMESH_AUTH_PUBLIC_KEYS or GREENMESH_AUTH_JWKS_FILE";
    assertEquals(List.of(refusal), problems(env("GREENMESH_AUTH_POLICY", "token")));
    // The misspelt variable from issue 15: nothing reads it, so the node has no key.
    assertEquals(List.of(refusal), problems(env("GREENMESH_AUTH_POLICY", "token", "GREENMESH_AUTH_HS256_SECRETS", SECRET)));
  }

  @Test
  void aShortHs256SecretOrAMissingKeyFileIsRefused() {
    assertEquals(List.of("GREENMESH_AUTH_HS256_SECRET: secret 2 is 5 bytes, HS256 needs at least 32"),
        problems(env("GREENMESH_AUTH_HS256_SECRET", SECRET + ",short")));
    assertEquals(List.of("GREENMESH_AUTH_JWKS_FILE names /nonexistent/jwks.json, which is not a readable file"),
        problems(env("GREENMESH_AUTH_POLICY", "token", "GREENMESH_AUTH_JWKS_FILE", "/nonexistent/jwks.json")));
  }

  @Test
  void turnUrlsForAnotherRelayWithNoSecretAreRefused() {
    assertEquals(List.of("GREENMESH_TURN_URLS are handed out but GREENMESH_TURN_SECRET is not set: their credentials"
        + " would be signed with a random secret no relay knows"),
        problems(env("GREENMESH_TURN_ENABLED", "false", "GREENMESH_TURN_URLS", "turn:turn.example.com:3478")));
  }

  @Test
  void iceUrlsABrowserCannotParseAreRefused() {
    assertEquals(List.of("GREENMESH_TURN_URLS entry 'turn.example.com:3478' is not a turn: or turns: URL"
        + " (turn:host[:port]): browsers refuse the whole list",
        "GREENMESH_STUN_URLS entry 'stun://stun.example.com' is not a stun: or stuns: URL (stun:host[:port]):"
            + " browsers refuse the whole list"),
        problems(env("GREENMESH_TURN_URLS", "turn.example.com:3478", "GREENMESH_STUN_URLS", "stun://stun.example.com")));
  }

  @Test
  void aRelayAddressThatIsNotAnAddressIsRefusedByTheVariableItCameFrom() {
    assertEquals(List.of("GREENMESH_PUBLIC_HOST 'meet.example.com' is not an IP address, and the relay must tell peers"
        + " the IP address to send media to (XOR-RELAYED-ADDRESS)"),
        problems(env("GREENMESH_PUBLIC_HOST", "meet.example.com")));
    assertEquals(List.of(), problems(env("GREENMESH_PUBLIC_HOST", "meet.example.com",
        "GREENMESH_TURN_RELAY_ADDRESS", "203.0.113.7")));
    assertEquals(List.of("GREENMESH_TURN_RELAY_ADDRESS 'relay' is not an IP address, and the relay must tell peers"
        + " the IP address to send media to (XOR-RELAYED-ADDRESS)"),
        problems(env("GREENMESH_TURN_RELAY_ADDRESS", "relay")));
    assertEquals(List.of(), problems(env("GREENMESH_TURN_ENABLED", "false", "GREENMESH_PUBLIC_HOST", "meet.example.com")));
  }

  @Test
  void originsSeedNodesAndDiscoveryThatCanNeverMatchAreRefused() {
    assertEquals(List.of("GREENMESH_ALLOWED_ORIGINS entry 'meet.example.com' is not an origin as browsers send it"
        + " (scheme://host[:port], no path): no browser would be let in",
        "GREENMESH_ALLOWED_ORIGINS entry 'https://meet.example.com/' is not an origin as browsers send it"
            + " (scheme://host[:port], no path): no browser would be let in"),
        problems(env("GREENMESH_ALLOWED_ORIGINS", "meet.example.com,https://meet.example.com/")));
    assertEquals(List.of("GREENMESH_SEED_NODES entry 'pekko://GreenMesh@10.0.0.1:25520' is not"
        + " pekko://greenmesh@host:port: the node would never join it"),
        problems(env("GREENMESH_SEED_NODES", "pekko://GreenMesh@10.0.0.1:25520")));
    assertEquals(List.of("GREENMESH_CLUSTER_DISCOVERY is 'kubernetes', not seed-nodes or kubernetes-api"),
        problems(env("GREENMESH_CLUSTER_DISCOVERY", "kubernetes")));
  }

  @Test
  void halfAnHttpsPairIsRefused() {
    assertEquals(List.of("GREENMESH_TLS_KEY is set but GREENMESH_TLS_CERT is not: HTTPS needs both"),
        problems(env("GREENMESH_TLS_KEY", "/etc/greenmesh/key.pem")));
  }
}
