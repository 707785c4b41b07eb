package io.greenmesh.signaling.e2e;

import static io.greenmesh.signaling.e2e.Call.eventually;
import static io.greenmesh.signaling.e2e.DemoPage.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.e2e.IcePaths.RelayCounters;
import io.greenmesh.signaling.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's {@code ?relay=1}: both browsers may only use relay candidates, from the TURN server the node lists in
 * {@code welcome.iceServers} with TURN REST credentials it signed. That server is the node's own embedded relay on
 * its defaults (bound to the wildcard address, its UDP and TCP URLs handed out), or coturn (so the node's credentials
 * are checked against a reference implementation). The browsers run in the {@link TestNetwork} namespace, so every
 * allocation, check and relayed packet stays between the test's own addresses. Each test reads from
 * {@code getStats()} how each browser reached its TURN server ({@code relayProtocol}): a relayed call must relay
 * over UDP whenever UDP gets through.
 */
@Timeout(150)
class RelayedCallE2ETest {

  private TestNetwork network;
  private Browsers browsers;
  private Coturn coturn;
  private GreenMeshNode node;

  @BeforeEach
  void requireBrowser() {
    HeadlessChromium.requireInstalled();
    network = TestNetwork.createWithDefaultRoute();
    browsers = new Browsers(network);
  }

  @AfterEach
  void stopEverything() {
    Teardown.closeAll(browsers, node, coturn, network);
  }

  /** The node's settings with its embedded relay as shipped: wildcard bind, UDP and TCP URLs on the public host. */
  static Map<String, Object> embeddedRelayOnDefaults(TestNetwork network) {
    Map<String, Object> settings = new HashMap<>(network.nodeSettings());
    settings.put("greenmesh.turn.enabled", true);
    settings.put("greenmesh.turn.port", 0); // a free port, not 3478: other tests and nodes run on this machine
    return settings;
  }

  @Test
  void throughCoturnBoundToTheAddressWithTheNodesCredentialsRelaysOverUdp() throws Exception {
    Coturn.requireInstalled();
    String secret = UUID.randomUUID().toString();
    coturn = Coturn.start(secret, network.hostAddress());
    Map<String, Object> settings = new HashMap<>(network.nodeSettings());
    settings.put("greenmesh.turn.secret", secret);
    settings.put("greenmesh.ice.turn-urls", List.of(coturn.udpUrl(), coturn.tcpUrl()));
    node = TestNodes.start(settings);

    relayOnlyCallIsAccountedAsRelayed("udp");
  }

  @Test
  void throughTheEmbeddedRelayOnDefaultsRelaysOverUdp() {
    node = TestNodes.start(embeddedRelayOnDefaults(network));
    assertTrue(node.turnPort() > 0, "the node runs its embedded TURN relay");

    relayOnlyCallIsAccountedAsRelayed("udp");

    RelayCounters counters = RelayCounters.of(node);
    System.out.println("embedded relay on defaults: " + counters);
    counters.assertMediaOver("udp");
    // What the clients said they sent on relayed pairs against what the relay itself carried from its clients.
    MeterRegistry registry = node.telemetry().registry();
    double reported = registry.get("greenmesh.media.bytes").tag("path", "relayed").counter().count();
    double relayed = registry.get("greenmesh.turn.relayed.bytes").tag("direction", "client_to_peer").counters()
        .stream().mapToDouble(Counter::count).sum();
    System.out.printf("relayed call: clients reported %.0f bytes sent on relayed pairs, the relay carried %.0f%n",
        reported, relayed);
    assertTrue(relayed > 20_000, () -> "the relay carried the call's media: " + relayed + " bytes");
    assertEquals(relayed, reported, relayed * 0.05,
        () -> "reported relayed bytes " + reported + " within 5% of the relay's count " + relayed);
  }

  @Test
  void withUdpToTheRelayBlockedTheCallFallsBackToTurnOverTcp() {
    node = TestNodes.start(embeddedRelayOnDefaults(network));
    network.blockUdpFromInside(network.hostAddress(), node.turnPort());

    relayOnlyCallIsAccountedAsRelayed("tcp");

    RelayCounters counters = RelayCounters.of(node);
    System.out.println("embedded relay, UDP blocked: " + counters);
    counters.assertMediaOver("tcp");
  }

  /**
   * The root namespace has two addresses and the browsers are told to use the second one; the relay stays on the
   * wildcard bind. The kernel routes answers to the browsers from the first address, so only a relay that answers
   * from the address each request reached gets its UDP answers accepted (libwebrtc drops the others and falls back to
   * TCP).
   */
  @Test
  void onTheWildcardBindABrowserReachingTheHostsSecondAddressRelaysOverUdp() {
    InetAddress second = network.addSecondHostAddress();
    Map<String, Object> settings = embeddedRelayOnDefaults(network);
    settings.put("greenmesh.ice.public-host", second.getHostAddress());
    node = TestNodes.start(settings);

    relayOnlyCallIsAccountedAsRelayed("udp");

    RelayCounters counters = RelayCounters.of(node);
    System.out.println("embedded relay on the wildcard, reached on " + second.getHostAddress() + ": " + counters);
    counters.assertMediaOver("udp");
  }

  /** Two pages with {@code ?relay=1} in one room of {@link #node}, relayed with {@code relayProtocol}. */
  private void relayOnlyCallIsAccountedAsRelayed(String relayProtocol) {
    String base = DemoPage.url(network, node, "e2e-relay-" + UUID.randomUUID().toString().substring(0, 8));
    Instant opened = Instant.now();
    DemoPage ada = browsers.open(base + "?name=A&relay=1");
    DemoPage bob = browsers.open(base + "?name=B&relay=1");
    Call call = Call.await(ada, bob, BrowserCallE2ETest.CALL_DEADLINE);
    System.out.printf("relayed call (%s) set up %d ms after the first page opened%n", relayProtocol,
        Duration.between(opened, call.upAt()).toMillis());

    // What the relay saw, for a failure message: coturn's log, or every non-zero TURN meter of the embedded relay
    // (requests answered and refused by reason, unauthenticated answers dropped), read when the message is built.
    Object turnLog = new Object() {
      @Override
      public String toString() {
        return coturn == null ? "\nembedded relay: " + RelayCounters.meters(node) : "\ncoturn: " + coturn.log();
      }
    };
    for (DemoPage page : List.of(ada, bob)) {
      List<Map<String, Object>> pairs =
          IcePaths.awaitRelayedOver(relayProtocol, page, 1, network, Duration.ofSeconds(15), turnLog);
      System.out.println("selected pair: " + pairs);
    }
    if (relayProtocol.equals("tcp")) {
      // A link on relay/TCP while a UDP TURN URL is offered probes UDP with one ICE restart (greenmesh.js
      // _upgradeRelay); with UDP blocked it settles on relay/TCP again and is not restarted a second time.
      for (DemoPage page : List.of(ada, bob)) {
        eventually("the relay/TCP link probes UDP once", Duration.ofSeconds(10),
            () -> page.events("relay-upgrade").size() == 1);
        IcePaths.awaitRelayedOver("tcp", page, 1, network, Duration.ofSeconds(20), turnLog);
      }
      try {
        Thread.sleep(3000); // time for a second restart, which must not come
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (DemoPage page : List.of(ada, bob)) {
      // Never more than one relay upgrade per link.
      List<Object> upgrades = page.events("relay-upgrade");
      System.out.println("relay-upgrade (one ICE restart from relay/TCP): " + upgrades);
      assertTrue(upgrades.size() <= 1, () -> "at most one relay upgrade per link: " + upgrades);
    }
    for (Map<String, Object> link : List.of(call.adaSeesBob(), call.bobSeesAda())) {
      assertEquals("relayed", link.get("path"), () -> "path: " + link);
      assertTrue(number(link, "framesDecoded") > 0, () -> "video decoded: " + link);
    }
    for (DemoPage page : List.of(ada, bob)) {
      eventually("the tile's badge says relayed", Duration.ofSeconds(5),
          () -> "relayed".equals(page.script(
              "const b = document.querySelector('.tile:not(.local) .badge'); return b && b.textContent;")));
    }

    eventually("A and B report their traffic", Duration.ofSeconds(10),
        () -> !ada.events("report").isEmpty() && !bob.events("report").isEmpty());
    bob.element("leave-btn").click();
    eventually("A gets the call's carbon report", Duration.ofSeconds(15), () -> !ada.events("carbon-report").isEmpty());
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) ada.events("carbon-report").get(0);
    assertTrue(number(report, "bytesRelayed") > 0, () -> "relayed bytes were counted: " + report);
    assertEquals(0L, number(report, "bytesDirect"), () -> "nothing went direct: " + report);
    assertEquals(List.of(), ada.events("error"), "errors reported to A");
    assertEquals(List.of(), bob.events("error"), "errors reported to B");
  }
}
