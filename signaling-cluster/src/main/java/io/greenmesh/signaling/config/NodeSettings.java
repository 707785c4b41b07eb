package io.greenmesh.signaling.config;

import com.typesafe.config.Config;
import java.util.List;

/** Where the node listens and how it finds its cluster. */
public record NodeSettings(
    String httpHost,
    int httpPort,
    String managementHost,
    int managementPort,
    String clusterHost,
    int clusterPort,
    List<String> seedNodes,
    String discovery,
    boolean embeddedTurn,
    List<String> allowedOrigins) {

  public static NodeSettings from(Config root) {
    Config g = root.getConfig("greenmesh");
    return new NodeSettings(
        g.getString("http.host"),
        g.getInt("http.port"),
        g.getString("management.host"),
        g.getInt("management.port"),
        g.getString("cluster.host"),
        g.getInt("cluster.port"),
        ConfigLists.strings(g, "cluster.seed-nodes"),
        g.getString("cluster.discovery"),
        !g.hasPath("turn.enabled") || g.getBoolean("turn.enabled"),
        ConfigLists.strings(g, "http.allowed-origins"));
  }
}
