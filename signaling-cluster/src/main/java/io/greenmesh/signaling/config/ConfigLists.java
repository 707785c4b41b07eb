package io.greenmesh.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;

/** Reads a setting that may be a HOCON list or, when it came from an environment variable, a comma-separated string. */
public final class ConfigLists {
  private ConfigLists() {}

  public static List<String> strings(Config config, String path) {
    if (!config.hasPath(path)) {
      return List.of();
    }
    if (config.getValue(path).valueType() == ConfigValueType.LIST) {
      return config.getStringList(path).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
    return Arrays.stream(config.getString(path).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
