package io.greenmesh.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every GREENMESH_* variable the shipped configuration reads. */
class ConfigurationDocTest {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{\\?(GREENMESH_[A-Z0-9_]+)}");

  @Test
  void everyEnvironmentVariableIsDocumented() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Set<String> read = new TreeSet<>();
    for (String conf : List.of("signaling-cluster/src/main/resources/application.conf",
        "signaling-cluster/src/main/resources/reference.conf", "turn-relay/src/main/resources/reference.conf",
        "carbon-metrics/src/main/resources/reference.conf")) {
      Matcher m = VARIABLE.matcher(Files.readString(root.resolve(conf)));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    String doc = Files.readString(root.resolve("docs/configuration.md"));
    Set<String> missing = new TreeSet<>();
    for (String v : read) {
      if (!doc.contains("`" + v + "`")) {
        missing.add(v);
      }
    }
    assertEquals(Set.of(), missing, "add these to docs/configuration.md");
  }
}
