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
      try {
        last.set(page.selectedPairs());
      } catch (RuntimeException stillLoading) { // a tab whose page is not up yet (see Browsers#openTabs)
        return false;
      }
      return last.get().size() == peers && last.get().stream().allMatch(p ->
          "connected".equals(p.get("connectionState")) && p.get("localCandidateType") != null);
    });
    return last.get();
  }

  /**
   * Waits (bounded) until every selected pair of {@code page} (towards {@code peers} peers) has a local relay
   * candidate reached over {@code relayProtocol}, then checks both ends are addresses of {@code network}; returns the
   * pairs. Waiting, not reading once: libwebrtc sends on the first pair whose checks succeed (on a loaded machine a
   * TCP allocation can answer first) and switches to a higher-priority pair, the UDP relay one, once it is writable.
   */
  static List<Map<String, Object>> awaitRelayedOver(String relayProtocol, DemoPage page, int peers,
      TestNetwork network, Duration timeout, Object context) {
    AtomicReference<List<Map<String, Object>>> last = new AtomicReference<>(List.of());
    Call.eventually(() -> "every selected pair relay/" + relayProtocol + " (local candidate type, relayProtocol): "
        + last.get() + context, timeout, () -> {
      try {
        last.set(page.selectedPairs());
      } catch (RuntimeException stillLoading) {
        return false;
      }
      return last.get().size() == peers && last.get().stream().allMatch(p -> "connected".equals(p.get("connectionState"))
          && "relay".equals(p.get("localCandidateType")) && relayProtocol.equals(p.get("relayProtocol")));
    });
    for (Map<String, Object> pair : last.get()) {
      assertEquals("relay", pair.get("localCandidateType"), () -> "selected pair, local side: " + pair + context);
      network.assertConfined((String) pair.get("localAddress"), pair);
      network.assertConfined((String) pair.get("remoteAddress"), pair);
    }
    return last.get();
  }

  /** What the node's embedded relay carried, by client transport (udp, tcp, tls): packets and bytes. */
  record RelayCounters(Map<String, Double> packets, Map<String, Double> bytes, double droppedBeforeHandshake) {

    static RelayCounters of(GreenMeshNode node) {
      double beforeHandshake = node.telemetry().registry().find("greenmesh.turn.dropped.packets")
          .tag("reason", "before_dtls_handshake").counters().stream().mapToDouble(Counter::count).sum();
      return new RelayCounters(byTransport(node, "greenmesh.turn.relayed.packets"),
          byTransport(node, "greenmesh.turn.relayed.bytes"), beforeHandshake);
    }

    /** Every non-zero counter of the node's TURN relay with its tags, for failure messages. */
    static String meters(GreenMeshNode node) {
      StringBuilder out = new StringBuilder();
      for (io.micrometer.core.instrument.Meter m : node.telemetry().registry().getMeters()) {
        if (m.getId().getName().startsWith("greenmesh.turn") && m instanceof Counter c && c.count() > 0) {
          out.append(m.getId().getName()).append(m.getId().getTags()).append('=').append((long) c.count()).append("; ");
        }
      }
      return out.toString();
    }

    private static Map<String, Double> byTransport(GreenMeshNode node, String name) {
      Map<String, Double> sums = new TreeMap<>();
      for (Counter c : node.telemetry().registry().get(name).counters()) {
        sums.merge(c.getId().getTag("transport"), c.count(), Double::sum);
      }
      return sums;
    }

    /**
     * The call's media went over {@code transport} between the relay and its clients: more than 20 KB, and more than
     * all other client transports together. Those may carry ICE's connectivity checks on the pairs not selected and,
     * on a loaded machine, the first seconds of media: libwebrtc sends on the first pair that succeeds (a TCP
     * allocation can answer first) and moves to the higher-priority UDP relay pair once its checks succeed.
     */
    void assertMediaOver(String transport) {
      double main = bytes.getOrDefault(transport, 0.0);
      double others = bytes.values().stream().mapToDouble(Double::doubleValue).sum() - main;
      assertTrue(main > 20_000 && main > others,
          () -> "the relay carried the media over " + transport + ", more than over the others: " + this);
      // When ICE moves a call to another pair (another allocation) its SRTP follows with no new handshake: the
      // encrypted-only check must not drop it.
      assertEquals(0.0, droppedBeforeHandshake, () -> "SRTP dropped as before a DTLS handshake: " + this);
    }

    @Override
    public String toString() {
      return "relayed packets " + packets + ", bytes " + bytes + ", dropped before_dtls_handshake "
          + (long) droppedBeforeHandshake;
    }
  }
}
