package io.greenmesh.loadtest.turn;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws p99 one-way latency (log scale) against offered rate, one line per server, from the generator's step rows:
 * {@code java -Djava.awt.headless=true -cp greenmesh-loadgen.jar io.greenmesh.loadtest.turn.LatencyPlot
 * steps.tsv out.png}. Filled dots are steps under the loss bound, hollow ones are not.
 */
public final class LatencyPlot {
  private static final Color[] COLORS = {new Color(0x1b9e77), new Color(0xd95f02), new Color(0x7570b3),
      new Color(0xe7298a), new Color(0x66a61e), new Color(0xe6ab02), new Color(0xa6761d), new Color(0x666666)};

  private LatencyPlot() {}

  record Point(double offered, double p99Micros, boolean passed) {}

  /**
   * One series per server ({@code label#round} without the round): the rounds are pooled and every offered rate
   * (to the nearest 1,000/s) becomes one point, the median p99 of its steps; it counts as passed when most did.
   */
  static Map<String, List<Point>> read(List<String> tsv) {
    Map<String, Map<Long, List<Point>>> raw = new LinkedHashMap<>();
    for (String line : tsv) {
      String[] f = line.split("\t");
      if (f.length < 15 || f[0].equals("label")) {
        continue;
      }
      String server = f[0].contains("#") ? f[0].substring(0, f[0].indexOf('#')) : f[0];
      double offered = Double.parseDouble(f[2]);
      raw.computeIfAbsent(server, k -> new java.util.TreeMap<>())
          .computeIfAbsent(Math.round(offered / 1000), k -> new ArrayList<>())
          .add(new Point(offered, Math.max(1, Double.parseDouble(f[7])), Boolean.parseBoolean(f[f.length - 1])));
    }
    Map<String, List<Point>> series = new LinkedHashMap<>();
    raw.forEach((server, byRate) -> {
      List<Point> points = new ArrayList<>();
      for (List<Point> same : byRate.values()) {
        same.sort(Comparator.comparingDouble(Point::p99Micros));
        long passed = same.stream().filter(Point::passed).count();
        points.add(new Point(same.get(0).offered(), same.get((same.size() - 1) / 2).p99Micros(),
            2 * passed > same.size()));
      }
      series.put(server, points);
    });
    return series;
  }

  public static void main(String[] args) throws Exception {
    Map<String, List<Point>> series = read(Files.readAllLines(Path.of(args[0])));
    int w = 1000;
    int h = 600;
    int left = 80;
    int right = 220;
    int top = 40;
    int bottom = 60;
    double maxRate = series.values().stream().flatMap(List::stream).mapToDouble(Point::offered).max().orElse(1);
    double minLog = 1; // 10 µs
    double maxLog = 6; // 1 s
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int pw = w - left - right;
    int ph = h - top - bottom;
    g.setColor(new Color(0xdddddd));
    for (int e = (int) minLog; e <= maxLog; e++) {
      int y = top + ph - (int) ((e - minLog) / (maxLog - minLog) * ph);
      g.drawLine(left, y, left + pw, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(e < 3 ? (int) Math.pow(10, e) + " µs" : (int) Math.pow(10, e - 3) + " ms", 10, y + 4);
      g.setColor(new Color(0xdddddd));
    }
    double tick = maxRate > 200_000 ? 50_000 : 20_000;
    for (double r = 0; r <= maxRate; r += tick) {
      int x = left + (int) (r / maxRate * pw);
      g.drawLine(x, top, x, top + ph);
      g.setColor(Color.DARK_GRAY);
      g.drawString((int) (r / 1000) + "k", x - 10, top + ph + 18);
      g.setColor(new Color(0xdddddd));
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, pw, ph);
    g.drawString("offered ChannelData packets/s (200-byte DTLS-shaped payloads)", left + pw / 2 - 170, h - 15);
    g.drawString("p99 one-way latency, client → relay → peer (log scale), median over rounds; hollow = loss ≥ 0.1 %"
        + " in most rounds", left, top - 15);
    int i = 0;
    for (Map.Entry<String, List<Point>> s : series.entrySet()) {
      Color c = COLORS[i % COLORS.length];
      g.setColor(c);
      g.setStroke(new BasicStroke(2f));
      int px = -1;
      int py = -1;
      for (Point p : s.getValue()) {
        int x = left + (int) (p.offered() / maxRate * pw);
        double lg = Math.min(maxLog, Math.max(minLog, Math.log10(p.p99Micros())));
        int y = top + ph - (int) ((lg - minLog) / (maxLog - minLog) * ph);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        if (p.passed()) {
          g.fillOval(x - 4, y - 4, 8, 8);
        } else {
          g.drawOval(x - 4, y - 4, 8, 8);
        }
        px = x;
        py = y;
      }
      g.fillRect(left + pw + 15, top + 10 + i * 22, 14, 4);
      g.drawString(s.getKey(), left + pw + 35, top + 16 + i * 22);
      i++;
    }
    g.dispose();
    ImageIO.write(img, "png", new File(args[1]));
  }
}
