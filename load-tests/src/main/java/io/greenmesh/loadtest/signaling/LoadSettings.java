package io.greenmesh.loadtest.signaling;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** The generator's command line: {@code --name value} pairs, each with a default. */
public record LoadSettings(
    URI webSocket,
    List<URI> otherNodes,
    Optional<URI> metrics,
    OptionalLong nodePid,
    int sessions,
    int roomSize,
    int connectRate,
    int joinRate,
    List<Integer> signalRates,
    Duration signalDuration,
    int payloadBytes,
    int warmupSessions,
    int clientThreads,
    Optional<Path> reportDir,
    boolean measureHeap,
    String label,
    Duration maxRunTime,
    List<String> hosts,
    int httpClients,
    Duration hold) {

  public static final String USAGE = """
      java -jar greenmesh-loadgen.jar --port PORT [options]
        --port PORT            node HTTP port on 127.0.0.1 (sets --url and --metrics-url)
        --url URL              signaling WebSocket (default ws://127.0.0.1:PORT/v1/ws)
        --also-ports P2,P3     other nodes of the same cluster: session i connects to node i mod (1 + count), so
                               the members of a room sit on different nodes (cross-node signalling)
        --metrics-url URL      node /metrics (default http://127.0.0.1:PORT/metrics)
        --node-pid PID         node process id: enables the heap-per-idle-session measurement (jcmd GC.run)
        --sessions N           concurrent sessions (default 1000)
        --room-size R          sessions per room (default 4)
        --connect-rate N       WebSocket handshakes per second (default 1000)
        --join-rate N          joins per second (default 500)
        --signal-rates A,B     aggregate signal rates in messages/s, or 'none' (default 1000,5000)
        --signal-duration S    seconds per signal rate (default 20)
        --payload-bytes N      padding in each signal's data (default 150)
        --warmup N             sessions that join and leave before anything is measured (default 1000)
        --client-threads N     threads handling the client side's WebSocket callbacks (default 4)
        --report-dir DIR       append Markdown table rows to DIR/latency.md, heap.md, cpu.md
        --heap yes|no          measure heap per idle session when --node-pid is given (default yes)
        --label TEXT           added to the Load column of the rows, e.g. "fresh node" (default none)
        --max-seconds S        hard limit on the whole run (default 300)
        --hosts A,B,C          spread the connections over these addresses of the node (session i connects to
                               address i mod count): one source address gets about 28,000 ephemeral ports per
                               destination address, so 100,000 connections from one machine need 4 or more
                               (e.g. 127.0.0.1,...,127.0.0.6 to a node listening on 0.0.0.0); default: the --url's
        --http-clients N       JDK HttpClient instances the sessions are spread over (default 1)
        --hold-seconds S       after the idle heap measurement, keep the sessions open and idle this long, logging
                               the node's gauges and any drops every 10 s (default 0)
      """;

  private static final Set<String> NAMES = Set.of("port", "also-ports", "url", "metrics-url", "node-pid", "sessions", "room-size",
      "connect-rate", "join-rate", "signal-rates", "signal-duration", "payload-bytes", "warmup", "client-threads",
      "report-dir", "heap", "label", "max-seconds", "hosts", "http-clients", "hold-seconds");

  public LoadSettings {
    signalRates = List.copyOf(signalRates);
    otherNodes = List.copyOf(otherNodes);
    hosts = List.copyOf(hosts);
    label = label.strip();
    require(sessions > 0, "--sessions must be positive");
    require(roomSize >= 2, "--room-size must be at least 2 (a session signals a peer in its room)");
    require(sessions % roomSize == 0, "--sessions must be a multiple of --room-size");
    require(connectRate > 0 && joinRate > 0, "rates must be positive");
    require(signalRates.stream().allMatch(r -> r > 0), "--signal-rates must be positive");
    require(!signalDuration.isNegative() && !signalDuration.isZero(), "--signal-duration must be positive");
    require(warmupSessions >= 0 && warmupSessions % roomSize == 0, "--warmup must be a multiple of --room-size");
    require(clientThreads > 0, "--client-threads must be positive");
    require(httpClients > 0, "--http-clients must be positive");
    require(!hold.isNegative(), "--hold-seconds must not be negative");
  }

  public static LoadSettings parse(String... args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      require(NAMES.contains(name), "unknown option " + args[i]);
      require(i + 1 < args.length, "missing value for " + args[i]);
      a.put(name, args[++i]);
    }
    String port = a.get("port");
    require(port != null || a.containsKey("url"), "--port or --url is required");
    URI ws = URI.create(a.getOrDefault("url", "ws://127.0.0.1:" + port + "/v1/ws"));
    Optional<URI> metrics = Optional.ofNullable(a.get("metrics-url"))
        .or(() -> Optional.ofNullable(port).map(p -> "http://127.0.0.1:" + p + "/metrics"))
        .map(URI::create);
    List<URI> others = new ArrayList<>();
    for (String p : a.getOrDefault("also-ports", "").split(",")) {
      if (!p.isBlank()) {
        others.add(URI.create("ws://127.0.0.1:" + p.strip() + "/v1/ws"));
      }
    }
    return new LoadSettings(
        ws,
        others,
        metrics,
        a.containsKey("node-pid") ? OptionalLong.of(Long.parseLong(a.get("node-pid"))) : OptionalLong.empty(),
        intOf(a, "sessions", 1000),
        intOf(a, "room-size", 4),
        intOf(a, "connect-rate", 1000),
        intOf(a, "join-rate", 500),
        rates(a.getOrDefault("signal-rates", "1000,5000")),
        Duration.ofSeconds(intOf(a, "signal-duration", 20)),
        intOf(a, "payload-bytes", 150),
        intOf(a, "warmup", 1000),
        intOf(a, "client-threads", 4),
        Optional.ofNullable(a.get("report-dir")).map(Path::of),
        !a.getOrDefault("heap", "yes").equals("no"),
        a.getOrDefault("label", ""),
        Duration.ofSeconds(intOf(a, "max-seconds", 300)),
        Arrays.stream(a.getOrDefault("hosts", "").split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList(),
        intOf(a, "http-clients", 1),
        Duration.ofSeconds(intOf(a, "hold-seconds", 0)));
  }

  static List<Integer> rates(String s) {
    List<Integer> out = new ArrayList<>();
    if (!s.isBlank() && !s.equals("none")) {
      for (String r : s.split(",")) {
        out.add(Integer.parseInt(r.trim()));
      }
    }
    return out;
  }

  private static int intOf(Map<String, String> a, String name, int dflt) {
    String v = a.get(name);
    try {
      return v == null ? dflt : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, not " + v);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
