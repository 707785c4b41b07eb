package io.greenmesh.signaling.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.GreenMeshNode;
import java.util.HashMap;
import java.util.Map;

/** Starts nodes on ephemeral loopback ports, so tests run side by side with anything else on the machine. */
public final class TestNodes {
  private TestNodes() {}

  public static Config config(Map<String, Object> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("greenmesh.http.host", "127.0.0.1");
    settings.put("greenmesh.http.port", 0);
    settings.put("greenmesh.management.host", "127.0.0.1");
    settings.put("greenmesh.management.port", 0);
    settings.put("greenmesh.cluster.host", "127.0.0.1");
    settings.put("greenmesh.cluster.port", 0);
    settings.put("greenmesh.turn.enabled", false);
    settings.put("greenmesh.turn.secret", "test-secret");
    settings.putAll(overrides);
    return ConfigFactory.parseMap(settings);
  }

  public static GreenMeshNode start(Map<String, Object> overrides) {
    return GreenMeshNode.start(config(overrides));
  }
}
