package io.greenmesh.loadtest.signaling;

import java.util.Map;
import java.util.TreeMap;

/** Just enough of the Prometheus text format to read a node's gauges and counters. */
public final class PrometheusText {
  private PrometheusText() {}

  /**
   * The samples of metric {@code name}, keyed by their label set as written (e.g. {@code area="heap",id="G1 Old
   * Gen"}, or the empty string for an unlabelled sample). Other metrics, including {@code name_count} and the like,
   * are left out.
   */
  public static Map<String, Double> samples(String text, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      String labels;
      String value;
      if (rest.startsWith("{")) {
        int close = rest.lastIndexOf('}');
        if (close < 0) {
          continue;
        }
        labels = rest.substring(1, close);
        value = rest.substring(close + 1).trim();
      } else if (rest.startsWith(" ")) {
        labels = "";
        value = rest.trim();
      } else {
        continue;
      }
      int space = value.indexOf(' ');
      try {
        out.put(labels, Double.parseDouble(space < 0 ? value : value.substring(0, space)));
      } catch (NumberFormatException e) {
        // not a sample line after all
      }
    }
    return out;
  }

  /**
   * The live heap after a full GC: every heap pool but the young generation's eden, which only holds what was
   * allocated since (a scrape allocates too). After a full GC of G1 the live set is in the old generation.
   */
  public static long liveHeapBytes(String text) {
    double sum = 0;
    for (Map.Entry<String, Double> e : samples(text, "jvm_memory_used_bytes").entrySet()) {
      if (e.getKey().contains("area=\"heap\"") && !e.getKey().contains("Eden")) {
        sum += e.getValue();
      }
    }
    return (long) sum;
  }

  /** An unlabelled gauge's value, or {@code NaN} when absent. */
  public static double value(String text, String name) {
    return samples(text, name).getOrDefault("", Double.NaN);
  }
}
