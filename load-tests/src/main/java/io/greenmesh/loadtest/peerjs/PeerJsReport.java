package io.greenmesh.loadtest.peerjs;

import io.greenmesh.loadtest.signaling.LatencySummary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import javax.imageio.ImageIO;

/**
 * Turns the generator's result lines ({@link StepResult}) into the Markdown that docs/benchmarks.md quotes: a table
 * per server, the highest offered rate each server sustained with p99 ≤ the target, and the ratio of the first
 * server to the second; optionally a PNG of p99 against offered rate, both servers on one chart.
 *
 * <pre>java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.peerjs.PeerJsReport RESULTS.tsv [TARGET_P99_MS [PNG]]</pre>
 */
public final class PeerJsReport {
  private PeerJsReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: PeerJsReport RESULTS.tsv [TARGET_P99_MS [PNG]]");
      System.exit(64);
    }
    Map<String, List<StepResult>> byServer = byServer(Files.readAllLines(Path.of(args[0])));
    long target = (long) (Double.parseDouble(args.length > 1 ? args[1] : "10") * 1000);
    System.out.print(markdown(byServer, target));
    if (args.length > 2) {
      plot(byServer, target, Path.of(args[2]));
      System.out.println();
      System.out.println("Plot: " + args[2]);
    }
  }

  /** The result lines grouped by server, in the order the servers first appear; blank lines are skipped. */
  static Map<String, List<StepResult>> byServer(List<String> lines) {
    Map<String, List<StepResult>> out = new LinkedHashMap<>();
    for (String line : lines) {
      if (!line.isBlank() && !line.startsWith("server\t")) {
        StepResult r = StepResult.fromTsv(line);
        out.computeIfAbsent(r.server(), k -> new ArrayList<>()).add(r);
      }
    }
    return out;
  }

  /** The highest offered rate whose step met p99 ≤ {@code targetMicros} with no error and nothing lost. */
  static OptionalInt sustained(List<StepResult> rows, long targetMicros) {
    return rows.stream().filter(r -> r.meets(targetMicros)).mapToInt(StepResult::offeredRate).max();
  }

  /** {@code a / b} as text with two decimals, or an explanation where it has no value. */
  static String ratio(OptionalInt a, OptionalInt b) {
    if (a.isEmpty() && b.isEmpty()) {
      return "n/a (neither met the target at any rate)";
    }
    if (b.isEmpty()) {
      return "n/a (only the first met the target)";
    }
    return String.format(Locale.ROOT, "%.2f", a.orElse(0) / (double) b.getAsInt());
  }

  static String markdown(Map<String, List<StepResult>> byServer, long targetMicros) {
    StringBuilder b = new StringBuilder();
    String targetMs = LatencySummary.millis(targetMicros);
    List<OptionalInt> best = new ArrayList<>();
    for (Map.Entry<String, List<StepResult>> e : byServer.entrySet()) {
      b.append("**").append(e.getKey()).append("**\n\n");
      b.append("| Offered msg/s | Sent msg/s | Delivered | p50 ms | p99 ms | max ms | SDP p99 ms | Errors"
          + " | Server CPU µs/msg | Server cores | Idle server CPU s | Load generator CPU s | Others CPU s"
          + " | Load avg |\n");
      b.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (StepResult r : e.getValue()) {
        b.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,d/%,d | %s | %s | %s | %s | %d | %.0f | %.2f | %.2f"
                + " | %.2f | %.2f | %s |\n", r.offeredRate(), r.sentPerSecond(), r.delivered(), r.sent(),
            LatencySummary.millis(r.latency().p50Micros()), LatencySummary.millis(r.latency().p99Micros()),
            LatencySummary.millis(r.latency().maxMicros()), LatencySummary.millis(r.sdpP99Micros()), r.errors(),
            r.serverCpuMicrosPerMessage(), r.serverCores(), r.idleServerCpuTicks() / 100.0,
            r.loadGeneratorCpuTicks() / 100.0,
            r.otherCpuTicks() / 100.0, r.loadAverage()));
      }
      b.append('\n');
      best.add(sustained(e.getValue(), targetMicros));
    }
    b.append("| Server | msg/s at p99 ≤ ").append(targetMs).append(" ms |\n|---|---:|\n");
    int i = 0;
    for (String server : byServer.keySet()) {
      OptionalInt s = best.get(i++);
      b.append("| ").append(server).append(" | ")
          .append(s.isPresent() ? String.format(Locale.ROOT, "%,d", s.getAsInt()) : "none of the rates")
          .append(" |\n");
    }
    if (best.size() == 2) {
      List<String> names = new ArrayList<>(byServer.keySet());
      b.append('\n').append("Ratio ").append(names.get(0)).append(" / ").append(names.get(1)).append(": ")
          .append(ratio(best.get(0), best.get(1))).append('\n');
    }
    return b.toString();
  }

  /** p99 (log scale) against offered rate (log scale), one line per server, the target and 100 ms marked. */
  static void plot(Map<String, List<StepResult>> byServer, long targetMicros, Path png) throws IOException {
    int w = 800;
    int h = 500;
    int left = 70;
    int right = 20;
    int top = 40;
    int bottom = 60;
    double minRate = Double.MAX_VALUE;
    double maxRate = 0;
    double maxMs = 100;
    for (List<StepResult> rows : byServer.values()) {
      for (StepResult r : rows) {
        minRate = Math.min(minRate, r.offeredRate());
        maxRate = Math.max(maxRate, r.offeredRate());
        maxMs = Math.max(maxMs, r.latency().p99Micros() / 1000.0);
      }
    }
    double x0 = Math.log(minRate / 1.3);
    double x1 = Math.log(maxRate * 1.3);
    double y0 = Math.log(0.1);
    double y1 = Math.log(Math.pow(10, Math.ceil(Math.log10(maxMs))));
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    java.util.function.DoubleUnaryOperator px = v -> left + (Math.log(v) - x0) / (x1 - x0) * (w - left - right);
    java.util.function.DoubleUnaryOperator py = v -> h - bottom
        - (Math.log(Math.max(v, 0.1)) - y0) / (y1 - y0) * (h - top - bottom);
    g.setColor(new Color(230, 230, 230));
    for (double ms = 0.1; ms <= Math.exp(y1) * 1.01; ms *= 10) {
      int y = (int) py.applyAsDouble(ms);
      g.drawLine(left, y, w - right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(ms < 1 ? "0.1" : String.format(Locale.ROOT, "%.0f", ms), 10, y + 4);
      g.setColor(new Color(230, 230, 230));
    }
    g.setColor(Color.DARK_GRAY);
    for (List<StepResult> rows : byServer.values()) {
      for (StepResult r : rows) {
        int x = (int) px.applyAsDouble(r.offeredRate());
        g.drawLine(x, h - bottom, x, h - bottom + 4);
        g.drawString(String.format(Locale.ROOT, "%,d", r.offeredRate()), x - 15, h - bottom + 18);
      }
    }
    g.drawRect(left, top, w - left - right, h - top - bottom);
    g.drawString("offered rate, messages/s (log scale)", w / 2 - 100, h - 15);
    g.drawString("p99 one-way latency, ms (log scale)", 10, 25);
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    for (double limit : new double[] {targetMicros / 1000.0, 100}) {
      int y = (int) py.applyAsDouble(limit);
      g.setColor(limit == 100 ? new Color(200, 120, 0) : new Color(0, 140, 0));
      g.drawLine(left, y, w - right, y);
      g.drawString((limit == 100 ? "stop: " : "target: ") + String.format(Locale.ROOT, "%.0f ms", limit),
          w - right - 90, y - 4);
    }
    Color[] colors = {new Color(0, 110, 60), new Color(190, 30, 45), new Color(40, 80, 200)};
    int series = 0;
    for (Map.Entry<String, List<StepResult>> e : byServer.entrySet()) {
      Color c = colors[series % colors.length];
      g.setColor(c);
      g.setStroke(new BasicStroke(2.5f));
      int px0 = -1;
      int py0 = -1;
      for (StepResult r : e.getValue()) {
        int x = (int) px.applyAsDouble(r.offeredRate());
        int y = (int) py.applyAsDouble(r.latency().p99Micros() / 1000.0);
        g.fillOval(x - 4, y - 4, 9, 9);
        if (px0 >= 0) {
          g.drawLine(px0, py0, x, y);
        }
        px0 = x;
        py0 = y;
      }
      g.fillRect(left + 15, top + 12 + series * 18, 14, 4);
      g.drawString(e.getKey(), left + 35, top + 18 + series * 18);
      series++;
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }
}
