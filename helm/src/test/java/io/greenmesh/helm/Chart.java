package io.greenmesh.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test, driven through helm-java (Helm's Go library bundled as a native library: no helm binary).
 * A value set is YAML, like an operator's {@code -f values.yaml}.
 */
final class Chart {
  static final String RELEASE = "gm";
  static final String NAMESPACE = "calls";
  /** The oldest Kubernetes the chart supports (Chart.yaml kubeVersion). */
  static final String KUBE_VERSION = "1.25.0";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Chart() {}

  static Path root() {
    return Path.of(System.getProperty("greenmesh.root", "..")).toAbsolutePath().normalize();
  }

  static Path dir() {
    return root().resolve("helm/greenmesh");
  }

  /** {@code helm template gm helm/greenmesh -n calls -f <valuesYaml>}; throws when Helm refuses. */
  static String template(String valuesYaml) {
    return template(dir(), valuesYaml);
  }

  /**
   * Renders the test hooks as plain manifests. helm-java returns the release manifest without hooks (as
   * {@code helm install --dry-run} does), so this renders a copy of the chart whose hook annotations are removed.
   */
  static String templateWithHooksAsManifests(String valuesYaml) {
    Path copy = copyChart();
    try (Stream<Path> files = Files.walk(copy.resolve("templates/tests"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f).lines().filter(l -> !l.contains("helm.sh/hook"))
            .collect(java.util.stream.Collectors.joining("\n"));
        Files.writeString(f, text.replace("  annotations:\n", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return template(copy, valuesYaml);
  }

  static String template(Path chartDir, String valuesYaml) {
    FakeKubeApi.start();
    TemplateCommand command = new Helm(chartDir).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesYaml != null && !valuesYaml.isBlank()) {
      command = command.withValuesFile(writeTemp("values", valuesYaml));
    }
    return command.call();
  }

  /**
   * {@code helm lint --strict} with the chart's defaults overlaid by {@code valuesYaml}. helm-java's lint takes no
   * values, so the chart is copied with a merged values.yaml: the same thing Helm lints with {@code -f}.
   */
  static LintResult lintStrict(String valuesYaml) {
    Path copy = copyChart();
    if (valuesYaml != null && !valuesYaml.isBlank()) {
      try {
        ObjectNode merged = (ObjectNode) YAML.readTree(copy.resolve("values.yaml").toFile());
        YAML.readerForUpdating(merged).readValue(valuesYaml);
        YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Helm(copy).lint().strict().call();
  }

  /** Splits rendered output into its documents, each with the template it came from. */
  static List<Manifest> manifests(String rendered) {
    List<Manifest> out = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      String source = doc.lines().filter(l -> l.startsWith("# Source: ")).findFirst()
          .map(l -> l.substring("# Source: ".length())).orElse("?");
      String body = doc.strip();
      if (body.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = YAML.readValue(body, Map.class);
        out.add(new Manifest(source, body, map));
      } catch (IOException e) {
        throw new AssertionError("not YAML: " + source + "\n" + body, e);
      }
    }
    return out;
  }

  record Manifest(String source, String yaml, Map<String, Object> map) {
    String kind() {
      return (String) map.get("kind");
    }

    String apiVersion() {
      return (String) map.get("apiVersion");
    }

    @SuppressWarnings("unchecked")
    String name() {
      return (String) ((Map<String, Object>) map.get("metadata")).get("name");
    }
  }

  static Path writeTemp(String prefix, String content) {
    try {
      Path file = Files.createTempFile("greenmesh-" + prefix, ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of the chart whose Chart.yaml has another appVersion: the chart of a new GreenMesh release. */
  static Path copyWithAppVersion(String appVersion) {
    Path copy = copyChart();
    try {
      Path chartYaml = copy.resolve("Chart.yaml");
      String text = Files.readString(chartYaml);
      String changed = text.replaceFirst("(?m)^appVersion:.*$", "appVersion: \"" + appVersion + "\"");
      if (changed.equals(text)) {
        throw new AssertionError("Chart.yaml has no appVersion line");
      }
      Files.writeString(chartYaml, changed);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copyChart() {
    try {
      Path target = Files.createTempDirectory("greenmesh-chart").resolve("greenmesh");
      try (Stream<Path> files = Files.walk(dir())) {
        for (Path source : (Iterable<Path>) files::iterator) {
          Path dest = target.resolve(dir().relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
