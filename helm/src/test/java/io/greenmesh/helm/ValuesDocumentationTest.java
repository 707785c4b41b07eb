package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Bitnami conventions: every value in values.yaml has a {@code ## @param} line (none documents a value that does
 * not exist), and values.schema.json describes exactly the same values.
 */
class ValuesDocumentationTest {
  /** Values whose content is free-form (maps of labels, resources...): documented and schema'd as a whole. */
  private static final Set<String> FREE_FORM = Set.of("commonLabels", "commonAnnotations", "annotations", "labels",
      "podLabels", "podAnnotations", "affinity", "nodeSelector", "resources", "ingressNamespaceSelector",
      "metricsNamespaceSelector");

  @Test
  void everyValueIsDocumentedWithAParamAndDescribedByTheSchema() throws IOException {
    String valuesText = Files.readString(Chart.dir().resolve("values.yaml"));
    Set<String> params = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) \\S").matcher(valuesText);
    while (m.find()) {
      params.add(m.group(1));
    }
    Set<String> values = new TreeSet<>();
    leaves(Chart.YAML.readTree(valuesText), "", values);
    assertEquals(values, params, "## @param lines and values.yaml leaves");

    JsonNode schema = new ObjectMapper().readTree(Chart.dir().resolve("values.schema.json").toFile());
    Set<String> described = new TreeSet<>();
    schemaLeaves(schema, "", described);
    assertEquals(values, described, "values.schema.json properties and values.yaml leaves");
  }

  private static void leaves(JsonNode node, String path, Set<String> out) {
    String key = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
    if (node.isObject() && !FREE_FORM.contains(key)) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
      }
    } else {
      out.add(path);
    }
  }

  private static void schemaLeaves(JsonNode node, String path, Set<String> out) {
    JsonNode props = node.get("properties");
    if (props != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        schemaLeaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
      }
    } else {
      out.add(path);
    }
  }
}
