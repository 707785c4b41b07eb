package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String SCRAPE = """
      # HELP jvm_memory_used_bytes The amount of used memory
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 4194304.0
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.6248944E7
      jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1024.0
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.9E7
      jvm_memory_used_bytes_extra 1.0
      greenmesh_signaling_errors_total{code="internal"} 3.0
      greenmesh_signaling_errors_total{code="rate-limited"} 0.0
      greenmesh_signaling_join_duration_seconds_count 1000
      greenmesh_signaling_rooms_active 250.0
      """;

  @Test
  void liveHeapIsEveryHeapPoolButEden() {
    assertEquals(16_248_944L + 1024L, PrometheusText.liveHeapBytes(SCRAPE));
  }

  @Test
  void samplesAreKeyedByTheirLabels() {
    assertEquals(Map.of("code=\"internal\"", 3.0, "code=\"rate-limited\"", 0.0),
        PrometheusText.samples(SCRAPE, "greenmesh_signaling_errors_total"));
  }

  @Test
  void anUnlabelledGaugeHasAValueAndAMissingOneIsNaN() {
    assertEquals(250.0, PrometheusText.value(SCRAPE, "greenmesh_signaling_rooms_active"));
    assertTrue(Double.isNaN(PrometheusText.value(SCRAPE, "greenmesh_signaling_sessions_connected")));
    assertTrue(PrometheusText.samples(SCRAPE, "greenmesh_signaling_join_duration_seconds").isEmpty());
  }
}
