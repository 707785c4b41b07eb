package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the node from outside: its {@code /metrics}, and — given its pid — its live heap after a full GC forced
 * with {@code jcmd <pid> GC.run}.
 */
final class NodeProbe {
  private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final URI metrics;
  private final OptionalLong pid;

  NodeProbe(HttpClient http, URI metrics, OptionalLong pid) {
    this.http = http;
    this.metrics = metrics;
    this.pid = pid;
  }

  boolean canMeasureHeap() {
    return pid.isPresent();
  }

  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + metrics + " answered " + r.statusCode());
    }
    return r.body();
  }

  /** The node's own error counters ({@code greenmesh_signaling_errors_total}) by label set. */
  Map<String, Double> serverErrors() throws IOException, InterruptedException {
    return PrometheusText.samples(scrape(), "greenmesh_signaling_errors_total");
  }

  /** The node's GC pauses so far: {@code [count, total seconds]} over every collector and cause. */
  double[] gcPauses() throws IOException, InterruptedException {
    String text = scrape();
    return new double[] {
        PrometheusText.samples(text, "jvm_gc_pause_seconds_count").values().stream().mapToDouble(d -> d).sum(),
        PrometheusText.samples(text, "jvm_gc_pause_seconds_sum").values().stream().mapToDouble(d -> d).sum()};
  }

  /** Connected sessions and active rooms as the node counts them. */
  record Gauges(double sessionsConnected, double sessionsDetached, double roomsActive) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "connected=%.0f detached=%.0f rooms=%.0f",
          sessionsConnected, sessionsDetached, roomsActive);
    }
  }

  Gauges gauges() throws IOException, InterruptedException {
    String text = scrape();
    return new Gauges(PrometheusText.value(text, "greenmesh_signaling_sessions_connected"),
        PrometheusText.value(text, "greenmesh_signaling_sessions_detached"),
        PrometheusText.value(text, "greenmesh_signaling_rooms_active"));
  }

  /** Polls until the node counts this many connected sessions and rooms, or the time is up; the last reading. */
  Gauges awaitGauges(double connected, double rooms, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Gauges g = gauges();
    while ((g.sessionsConnected() != connected || g.roomsActive() != rooms || g.sessionsDetached() != 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(250);
      g = gauges();
    }
    return g;
  }

  /** The median of three readings of the live heap, each right after a full GC. */
  long liveHeapAfterGc() throws IOException, InterruptedException {
    long[] samples = new long[3];
    for (int i = 0; i < samples.length; i++) {
      forceGc();
      samples[i] = PrometheusText.liveHeapBytes(scrape());
    }
    Arrays.sort(samples);
    return samples[1];
  }

  private void forceGc() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid.orElseThrow()), "GC.run")
        .redirectErrorStream(true).start();
    if (!p.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("jcmd GC.run did not finish in " + JCMD_TIMEOUT);
    }
    String out = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0 || !out.contains("Command executed successfully")) {
      throw new IOException("jcmd GC.run failed: " + out.trim());
    }
  }
}
