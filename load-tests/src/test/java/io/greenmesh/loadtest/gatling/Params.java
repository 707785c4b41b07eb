package io.greenmesh.loadtest.gatling;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;

/**
 * The parameters of a simulation, read from system properties ({@code -Dusers=200}); every one has a default of smoke
 * size. Each value read is echoed once on standard output, so a report can always be matched to what produced it.
 */
final class Params {
  private final Properties source;
  private final String simulation;

  Params(String simulation) {
    this(simulation, System.getProperties());
  }

  Params(String simulation, Properties source) {
    this.simulation = simulation;
    this.source = source;
  }

  int integer(String name, int fallback) {
    return parsed(name, Integer.toString(fallback), Integer::parseInt, "a whole number");
  }

  double decimal(String name, double fallback) {
    return parsed(name, Double.toString(fallback), Double::parseDouble, "a number");
  }

  /** A duration in seconds ({@code 20}, {@code 0.5}) or with a unit ({@code 1500ms}, {@code 2m}). */
  Duration duration(String name, String fallback) {
    return parseDuration(name, raw(name, fallback));
  }

  String text(String name, String fallback) {
    return raw(name, fallback);
  }

  /**
   * The signaling WebSocket URLs: {@code greenmesh.urls} (comma-separated), else {@code greenmesh.url}. A base URL
   * ({@code http://127.0.0.1:8080}) gets {@code /v1/ws}; http becomes ws and https wss.
   */
  List<String> webSocketUrls() {
    String many = source.getProperty("greenmesh.urls", "");
    String listed = many.isBlank() ? raw("greenmesh.url", "http://127.0.0.1:8080") : raw("greenmesh.urls", many);
    List<String> urls = new ArrayList<>();
    for (String part : listed.split(",")) {
      if (!part.isBlank()) {
        urls.add(webSocketUrl(part.trim()));
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("-Dgreenmesh.urls names no URL");
    }
    return List.copyOf(urls);
  }

  static String webSocketUrl(String base) {
    URI uri = URI.create(base);
    String scheme = switch (String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) {
      case "http", "ws" -> "ws";
      case "https", "wss" -> "wss";
      default -> throw new IllegalArgumentException("not an http(s) or ws(s) URL: " + base);
    };
    String path = uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")
        ? "/v1/ws"
        : uri.getPath();
    return scheme + "://" + uri.getRawAuthority() + path;
  }

  static Duration parseDuration(String name, String raw) {
    String s = raw.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      if (s.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
      }
      if (s.endsWith("s")) {
        s = s.substring(0, s.length() - 1).trim();
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D" + name + " must be a duration (20, 0.5, 1500ms, 2m), not '" + raw + "'", e);
    }
  }

  private <T> T parsed(String name, String fallback, Function<String, T> parse, String what) {
    String raw = raw(name, fallback);
    try {
      return parse.apply(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + " must be " + what + ", not '" + raw + "'", e);
    }
  }

  private String raw(String name, String fallback) {
    String value = source.getProperty(name);
    String used = value == null || value.isBlank() ? fallback : value;
    System.out.printf("[%s] %s = %s%s%n", simulation, name, used, value == null || value.isBlank() ? " (default)" : "");
    return used;
  }

  /** Rounds {@code n} up to a multiple of {@code m}, so that every room is filled. */
  static int roundUp(int n, int m) {
    return Math.max(m, (n + m - 1) / m * m);
  }
}
