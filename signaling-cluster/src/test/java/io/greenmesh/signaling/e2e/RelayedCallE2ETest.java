package io.greenmesh.signaling.e2e;

import static io.greenmesh.signaling.e2e.Call.eventually;
import static io.greenmesh.signaling.e2e.DemoPage.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's {@code ?relay=1}: both browsers may only use relay candidates, from the TURN server the node lists in
 * {@code welcome.iceServers} with TURN REST credentials it signed. That server is coturn on 127.0.0.1 (so the node's
 * credentials are checked against a reference implementation), or the node's own embedded relay.
 */
@Timeout(120)
class RelayedCallE2ETest {

  private Coturn coturn;
  private GreenMeshNode node;
  private final Browsers browsers = new Browsers();

  @BeforeEach
  void requireBrowser() {
    HeadlessChromium.requireInstalled();
  }

  @AfterEach
  void stopEverything() {
    try {
      browsers.close();
    } finally {
      try {
        if (node != null) {
          node.close();
        }
      } finally {
        if (coturn != null) {
          coturn.close();
        }
      }
    }
  }

  @Test
  void throughCoturnWithTheNodesCredentials() throws Exception {
    Coturn.requireInstalled();
    String secret = UUID.randomUUID().toString();
    coturn = Coturn.start(secret);
    node = TestNodes.start(Map.of("greenmesh.turn.secret", secret, "greenmesh.ice.turn-urls", List.of(coturn.udpUrl())));
    relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed();
  }

  @Test
  void throughTheNodesEmbeddedRelay() {
    node = TestNodes.start(Map.of(
        "greenmesh.turn.enabled", true,
        "greenmesh.turn.host", "127.0.0.1",
        "greenmesh.turn.port", 0,
        "greenmesh.turn.relay-address", "127.0.0.1",
        "greenmesh.turn.allow-loopback-peers", true,
        "greenmesh.turn.metrics-port", 0));
    assumeTrue(node.turnPort() > 0, "the node does not run its embedded TURN relay yet (EmbeddedRelay)");
    relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed();
  }

  /** Two pages with {@code ?relay=1} in one room of {@link #node}. */
  private void relayOnlyCallGoesThroughTurnAndIsAccountedAsRelayed() {
    String base = DemoPage.url(node, "e2e-relay-" + UUID.randomUUID().toString().substring(0, 8));
    DemoPage ada = browsers.open(base + "?name=A&relay=1");
    DemoPage bob = browsers.open(base + "?name=B&relay=1");
    Call call = Call.await(ada, bob, BrowserCallE2ETest.CALL_DEADLINE);

    for (Map<String, Object> link : List.of(call.adaSeesBob(), call.bobSeesAda())) {
      assertEquals("relay", link.get("localCandidateType"), () -> "selected pair, local side: " + link
          + (coturn == null ? "" : "\ncoturn: " + coturn.log()));
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
