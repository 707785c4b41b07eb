package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the browsers' {@code getStats()} and the relay's own counters say about the path a call took: which candidate
 * types ICE selected and, for relayed calls, over which transport each browser reached its TURN server.
 */
final class IcePaths {

  private IcePaths() {}

  /**
   * Waits (bounded) until {@code page} has {@code peers} remote peers, each connected with a selected pair, and
   * returns those pairs.
   */
  static List<Map<String, Object>> awaitSelectedPairs(DemoPage page, int peers, Duration timeout) {
    AtomicReference<List<Map<String, Object>>> last = new AtomicReference<>(List.of());
    Call.eventually(() -> peers + " peers connected with a selected pair: " + last.get(), timeout, () -> {
      last.set(page.selectedPairs());
      return last.get().size() == peers && last.get().stream().allMatch(p ->
          "connected".equals(p.get("connectionState")) && p.get("localCandidateType") != null);
    });
    return last.get();
  }

  /**
   * Every selected pair of {@code page} has a local relay candidate reached over {@code relayProtocol}, and both
   * ends are addresses of {@code network}.
   */
  static void assertRelayedOver(String relayProtocol, List<Map<String, Object>> pairs, TestNetwork network,
      Object context) {
    for (Map<String, Object> pair : pairs) {
      assertEquals("relay", pair.get("localCandidateType"), () -> "selected pair, local side: " + pair + context);
      assertEquals(relayProtocol, pair.get("relayProtocol"),
          () -> "how the browser reaches its TURN server: " + pair + context);
      network.assertConfined((String) pair.get("localAddress"), pair);
      network.assertConfined((String) pair.get("remoteAddress"), pair);
    }
  }

  /** What the node's embedded relay carried, by client transport (udp, tcp, tls): packets and bytes. */
  record RelayCounters(Map<String, Double> packets, Map<String, Double> bytes) {

    static RelayCounters of(GreenMeshNode node) {
      return new RelayCounters(byTransport(node, "greenmesh.turn.relayed.packets"),
          byTransport(node, "greenmesh.turn.relayed.bytes"));
    }

    private static Map<String, Double> byTransport(GreenMeshNode node, String name) {
      Map<String, Double> sums = new TreeMap<>();
      for (Counter c : node.telemetry().registry().get(name).counters()) {
        sums.merge(c.getId().getTag("transport"), c.count(), Double::sum);
      }
      return sums;
    }

    /**
     * The call's media went over {@code transport} between the relay and its clients; the other transports carried
     * at most ICE's connectivity checks on the pairs not selected (a few kilobytes), under 5% of the bytes.
     */
    void assertOnlyOver(String transport) {
      double main = bytes.getOrDefault(transport, 0.0);
      assertTrue(main > 20_000, () -> "the relay carried the media over " + transport + ": " + this);
      bytes.forEach((t, n) -> assertTrue(t.equals(transport) || n < main * 0.05,
          () -> "only connectivity checks relayed for clients over " + t + ": " + this));
    }

    @Override
    public String toString() {
      return "relayed packets " + packets + ", bytes " + bytes;
    }
  }
}
