package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard imports by hand and through the sidecar: a datasource variable every panel uses, node filters,
 * unique ids, a layout inside Grafana's 24 columns, and the sections the operators asked for.
 * DashboardAgainstPrometheusTest runs every query against a real scrape.
 */
class DashboardModelTest {

  @Test
  void everyPanelQueriesThroughTheDatasourceVariable() {
    JsonNode dash = Dashboard.json();
    JsonNode vars = dash.at("/templating/list");
    assertEquals("datasource", vars.get(0).get("type").asText());
    assertEquals("prometheus", vars.get(0).get("query").asText());
    Set<String> names = new HashSet<>();
    vars.forEach(v -> names.add(v.get("name").asText()));
    assertEquals(Set.of("datasource", "job", "instance", "relay"), names);
    for (JsonNode v : vars) {
      if (v.get("type").asText().equals("query")) {
        assertEquals("${datasource}", v.at("/datasource/uid").asText(), v.toString());
        assertEquals(".*", v.get("allValue").asText());
      }
    }
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : Dashboard.panels()) {
      String title = p.get("title").asText();
      assertTrue(ids.add(p.get("id").asInt()), "unique id: " + title);
      assertEquals("${datasource}", p.at("/datasource/uid").asText(), title);
      assertFalse(p.path("targets").isEmpty(), title + " has queries");
      for (JsonNode t : p.get("targets")) {
        assertEquals("${datasource}", t.at("/datasource/uid").asText(), title);
      }
      JsonNode g = p.get("gridPos");
      assertTrue(g.get("x").asInt() + g.get("w").asInt() <= 24, title + " fits in 24 columns");
    }
    assertFalse(dash.has("__inputs"), "no import-time inputs: the datasource is chosen from the variable");
  }

  @Test
  void coversClusterSignalingTurnAndCarbon() {
    List<String> rows = new ArrayList<>();
    Dashboard.json().get("panels").forEach(p -> {
      if (p.get("type").asText().equals("row")) {
        rows.add(p.get("title").asText());
      }
    });
    assertEquals(4, rows.size(), rows.toString());
    String all = String.join("\n", Dashboard.queries().stream().map(Dashboard.Query::expr).toList());
    for (String metric : List.of("greenmesh_cluster_members", "greenmesh_cluster_unreachable_members",
        "greenmesh_sharding_shards", "greenmesh_signaling_sessions_connected", "greenmesh_signaling_rooms_active",
        "greenmesh_signaling_join_duration_seconds_bucket", "greenmesh_signaling_errors_total",
        "greenmesh_signaling_resumes_total", "greenmesh_turn_allocations_active", "greenmesh_turn_relayed_bytes_total",
        "greenmesh_turn_dropped_packets_total", "greenmesh_turn_auth_failures_total", "greenmesh_media_bytes_total",
        "greenmesh_avoided_co2e_grams_total", "greenmesh_avoided_energy_joules_total",
        "greenmesh_avoided_water_liters_total")) {
      assertTrue(all.contains(metric), "a panel shows " + metric);
    }
    for (Dashboard.Query q : Dashboard.queries()) {
      if (q.expr().contains("greenmesh_signaling") || q.expr().contains("greenmesh_cluster_self")) {
        assertTrue(q.expr().contains("instance=~\"$instance\""), q.panel() + " follows the node filter");
      }
      if (q.expr().contains("greenmesh_turn_")) {
        assertTrue(q.expr().contains("instance=~\"$relay\""), q.panel() + " follows the relay filter");
      }
    }
  }
}
