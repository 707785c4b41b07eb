package io.greenmesh.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** helm/greenmesh/dashboards/greenmesh.json and the PromQL of its panels. */
final class Dashboard {
  record Query(String panel, String refId, String expr) {
    /**
     * The expression as Grafana sends it with every filter on "All" ({@code allValue} ".*"), a 1 m rate interval
     * and the given dashboard range.
     */
    String resolved(String range) {
      return expr.replace("$__rate_interval", "1m").replace("$__range", range)
          .replace("$job", ".*").replace("$instance", ".*").replace("$relay", ".*");
    }
  }

  private Dashboard() {}

  static JsonNode json() {
    try {
      return new ObjectMapper().readTree(Chart.dir().resolve("dashboards/greenmesh.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : json().get("panels")) {
      if (!p.path("type").asText().equals("row")) {
        out.add(p);
      }
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  static List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (JsonNode p : panels()) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Query(p.get("title").asText(), t.get("refId").asText(), t.get("expr").asText()));
      }
    }
    return out;
  }
}
