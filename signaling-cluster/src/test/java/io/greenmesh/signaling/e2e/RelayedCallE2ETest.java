package io.greenmesh.signaling.e2e;

import static io.greenmesh.signaling.e2e.Call.eventually;
import static io.greenmesh.signaling.e2e.DemoPage.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
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
 * {@code welcome.iceServers} with TURN REST credentials it signed. That server is coturn (so the node's credentials
 * are checked against a reference implementation), or the node's own embedded relay; either listens and relays on the
 * root end of the {@link TestNetwork} veth pair, and the browsers run in its namespace, so every allocation, check
 * and relayed packet stays between the test's own addresses.
 */
@Timeout(120)
class RelayedCallE2ETest {

  private TestNetwork network;
  private Browsers browsers;
  private Coturn coturn;
  private GreenMeshNode node;

  @BeforeEach
  void requireBrowser() {
    HeadlessChromium.requireInstalled();
    network = TestNetwork.create();
    browsers = new Browsers(network);
  }

  @AfterEach
  void stopEverything() {
    Teardown.closeAll(browsers, node, coturn, network);
  }

  @Test
  void throughCoturnWithTheNodesCredentials() throws Exception {
    Coturn.requireInstalled();
    String secret = UUID.randomUUID().toString();
    coturn = Coturn.start(secret, network.hostAddress());
    Map<String, Object> settings = new HashMap<>(network.nodeSettings());
    settings.put("greenmesh.turn.secret", secret);
    settings.put("greenmesh.ice.turn-urls", List.of(coturn.udpUrl()));
    node = TestNodes.start(settings);
    relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed();
  }

  @Test
  void throughTheNodesEmbeddedRelay() {
    String relay = network.hostAddress().getHostAddress();
    Map<String, Object> settings = new HashMap<>(network.nodeSettings());
    settings.putAll(Map.of(
        "greenmesh.turn.enabled", true,
        "greenmesh.turn.host", relay,
        "greenmesh.turn.port", 0,
        "greenmesh.turn.relay-address", relay,
        "greenmesh.turn.metrics-port", 0));
    node = TestNodes.start(settings);
    assertTrue(node.turnPort() > 0, "the node runs its embedded TURN relay");
    relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed();

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

  /** Two pages with {@code ?relay=1} in one room of {@link #node}. */
  private void relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed() {
    String base = DemoPage.url(network, node, "e2e-relay-" + UUID.randomUUID().toString().substring(0, 8));
    DemoPage ada = browsers.open(base + "?name=A&relay=1");
    DemoPage bob = browsers.open(base + "?name=B&relay=1");
    Call call = Call.await(ada, bob, BrowserCallE2ETest.CALL_DEADLINE);

    for (Map<String, Object> link : List.of(call.adaSeesBob(), call.bobSeesAda())) {
      assertEquals("relay", link.get("localCandidateType"), () -> "selected pair, local side: " + link
          + (coturn == null ? "" : "\ncoturn: " + coturn.log()));
      assertEquals("relayed", link.get("path"), () -> "path: " + link);
      network.assertConfined((String) link.get("localAddress"), link);
      network.assertConfined((String) link.get("remoteAddress"), link);
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
