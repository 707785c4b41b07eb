package io.greenmesh.signaling.config;

import com.typesafe.config.Config;
import io.greenmesh.turn.TurnSettings;
import io.greenmesh.turn.config.RelayConfigCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Node settings that each parse but together cannot serve, found before anything starts: without this the node
 * comes up healthy and every join, every relayed call or every browser is refused. Reads the configuration as the
 * operator gave it, before the node fills in secrets of its own.
 */
public final class NodeConfigCheck {
  private static final Pattern ORIGIN = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s]+");
  private static final Pattern SEED_NODE = Pattern.compile("pekko://greenmesh@(\\[[0-9a-fA-F:]+]|[^:/\\s\\[\\]]+):\\d+");
  private static final int HS256_MIN_BYTES = 32;

  private NodeConfigCheck() {}

  /** The problems, each one sentence naming the variables to fix; empty when the node can serve. */
  public static List<String> problems(Config config, TurnSettings embeddedRelay, String relayAddressVariable) {
    List<String> problems = new ArrayList<>();
    auth(config.getConfig("greenmesh.auth"), problems);
    ice(config, embeddedRelay.enabled(), problems);
    cluster(config.getConfig("greenmesh.cluster"), problems);
    for (String origin : ConfigLists.strings(config, "greenmesh.http.allowed-origins")) {
      if (!ORIGIN.matcher(origin).matches()) {
        problems.add("GREENMESH_ALLOWED_ORIGINS entry '" + origin + "' is not an origin as browsers send it"
            + " (scheme://host[:port], no path): no browser would be let in");
      }
    }
    RelayConfigCheck.pemPair(problems, "GREENMESH_TLS_CERT", config.getString("greenmesh.http.tls.cert"),
        "GREENMESH_TLS_KEY", config.getString("greenmesh.http.tls.key"), "HTTPS");
    problems.addAll(RelayConfigCheck.problems(embeddedRelay, relayAddressVariable));
    return problems;
  }

  private static void auth(Config auth, List<String> problems) {
    List<String> secrets = ConfigLists.strings(auth, "hs256-secret");
    List<String> keyFiles = ConfigLists.strings(auth, "public-keys");
    String jwks = auth.getString("jwks-file");
    if (auth.getString("policy").strip().equalsIgnoreCase("token") && secrets.isEmpty() && keyFiles.isEmpty()
        && jwks.isBlank()) {
      problems.add("GREENMESH_AUTH_POLICY is token but no key verifies a token, so no one could join: set"
          + " GREENMESH_AUTH_HS256_SECRET, GREENMESH_AUTH_PUBLIC_KEYS or GREENMESH_AUTH_JWKS_FILE");
    }
    for (int i = 0; i < secrets.size(); i++) {
      int bytes = secrets.get(i).getBytes(StandardCharsets.UTF_8).length;
      if (bytes < HS256_MIN_BYTES) {
        problems.add("GREENMESH_AUTH_HS256_SECRET: secret " + (i + 1) + " is " + bytes + " bytes, HS256 needs at least "
            + HS256_MIN_BYTES);
      }
    }
    RelayConfigCheck.readable(problems, "GREENMESH_AUTH_PUBLIC_KEYS", keyFiles.toArray(String[]::new));
    RelayConfigCheck.readable(problems, "GREENMESH_AUTH_JWKS_FILE", jwks);
  }

  private static void ice(Config config, boolean embeddedRelay, List<String> problems) {
    List<String> turnUrls = ConfigLists.strings(config, "greenmesh.ice.turn-urls");
    // With the embedded relay on, a node without a secret shares a random one with its own relay; any other relay
    // would refuse every credential signed with it.
    if (!turnUrls.isEmpty() && !embeddedRelay && ConfigLists.strings(config, "greenmesh.turn.secret").isEmpty()) {
      problems.add("GREENMESH_TURN_URLS are handed out but GREENMESH_TURN_SECRET is not set: their credentials"
          + " would be signed with a random secret no relay knows");
    }
    urls(turnUrls, "GREENMESH_TURN_URLS", "turn:", "turns:", problems);
    urls(ConfigLists.strings(config, "greenmesh.ice.stun-urls"), "GREENMESH_STUN_URLS", "stun:", "stuns:", problems);
  }

  /** RFC 7064/7065 URLs: a browser refuses the whole iceServers list for one it cannot parse. */
  private static void urls(List<String> urls, String variable, String scheme, String secureScheme,
      List<String> problems) {
    for (String url : urls) {
      String rest = url.startsWith(scheme) ? url.substring(scheme.length())
          : url.startsWith(secureScheme) ? url.substring(secureScheme.length()) : null;
      if (rest == null || rest.isBlank() || rest.startsWith("/")) {
        problems.add(variable + " entry '" + url + "' is not a " + scheme + " or " + secureScheme
            + " URL (" + scheme + "host[:port]): browsers refuse the whole list");
      }
    }
  }

  private static void cluster(Config cluster, List<String> problems) {
    String discovery = cluster.getString("discovery");
    if (!discovery.equals("seed-nodes") && !discovery.equals("kubernetes-api")) {
      problems.add("GREENMESH_CLUSTER_DISCOVERY is '" + discovery + "', not seed-nodes or kubernetes-api");
    }
    for (String seed : ConfigLists.strings(cluster, "seed-nodes")) {
      if (!SEED_NODE.matcher(seed).matches()) {
        problems.add("GREENMESH_SEED_NODES entry '" + seed + "' is not pekko://greenmesh@host:port: the node would"
            + " never join it");
      }
    }
  }
}
