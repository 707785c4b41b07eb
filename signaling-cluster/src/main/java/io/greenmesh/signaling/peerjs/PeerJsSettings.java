package io.greenmesh.signaling.peerjs;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code greenmesh.peerjs} block. Names follow the PeerJS server's options ({@code expire_timeout},
 * {@code alive_timeout}, {@code concurrent_limit}, {@code allow_discovery}, {@code key}, {@code path}).
 */
public record PeerJsSettings(
    boolean enabled,
    String path,
    String key,
    boolean allowDiscovery,
    Duration expireTimeout,
    int concurrentLimit,
    Duration aliveTimeout,
    int maxHeldMessages) {

  public PeerJsSettings {
    if (key.isEmpty() || key.contains("/")) {
      throw new IllegalArgumentException("greenmesh.peerjs.key must be non-empty and contain no '/': '" + key + "'");
    }
    path = normalise(path);
  }

  public static PeerJsSettings from(Config root) {
    Config c = root.getConfig("greenmesh.peerjs");
    return new PeerJsSettings(
        c.getBoolean("enabled"),
        c.getString("path"),
        c.getString("key"),
        c.getBoolean("allow-discovery"),
        c.getDuration("expire-timeout"),
        c.getInt("concurrent-limit"),
        c.getDuration("alive-timeout"),
        c.getInt("max-held-messages"));
  }

  /** The path's segments: {@code "/peerjs"} → ["peerjs"], {@code "/"} → []. */
  public List<String> pathSegments() {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /** A leading slash, no trailing one (except for the root itself), as the PeerJS client normalises it. */
  static String normalise(String path) {
    String p = path.startsWith("/") ? path : "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
