package io.greenmesh.signaling.e2e;

import static io.greenmesh.signaling.e2e.DemoPage.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.e2e.IcePaths.RelayCounters;
import io.greenmesh.signaling.support.TestNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Firefox ESR calls Chromium on the demo page: two WebRTC stacks (Gecko's and libwebrtc) negotiate through
 * greenmesh.js, directly and through the embedded relay on its defaults. Both browsers run in the {@link TestNetwork}
 * namespace; each side's selected candidate pair is read from its own {@code getStats()}.
 */
@Timeout(180)
class FirefoxChromiumCallE2ETest {

  private TestNetwork network;
  private Browsers chromiums;
  private HeadlessFirefox firefox;
  private GreenMeshNode node;

  @BeforeEach
  void requireBrowsers() throws Exception {
    HeadlessChromium.requireInstalled();
    HeadlessFirefox.requireInstalled();
    network = TestNetwork.create();
    chromiums = new Browsers(network);
  }

  @AfterEach
  void stopEverything() {
    Teardown.closeAll(firefox, chromiums, node, network);
  }

  @Test
  void firefoxAndChromiumHoldADirectCallOnHostCandidates() {
    node = TestNodes.start(network.nodeSettings());

    List<DemoPage> pages = call("");

    for (DemoPage page : pages) {
      Map<String, Object> pair = IcePaths.awaitSelectedPairs(page, 1, Duration.ofSeconds(10)).get(0);
      System.out.println("selected pair: " + pair);
      assertEquals("host", pair.get("localCandidateType"), () -> "local side: " + pair);
      assertEquals("host", pair.get("remoteCandidateType"), () -> "remote side: " + pair);
      network.assertConfined((String) pair.get("localAddress"), pair);
      network.assertConfined((String) pair.get("remoteAddress"), pair);
    }
  }

  @Test
  void firefoxAndChromiumRelayOnlyThroughTheEmbeddedRelayOnDefaultsRelayOverUdp() {
    node = TestNodes.start(RelayedCallE2ETest.embeddedRelayOnDefaults(network));

    List<DemoPage> pages = call("&relay=1");

    for (DemoPage page : pages) {
      List<Map<String, Object>> pairs =
          IcePaths.awaitRelayedOver("udp", page, 1, network, Duration.ofSeconds(15), "");
      System.out.println("selected pair: " + pairs);
    }
    RelayCounters counters = RelayCounters.of(node);
    System.out.println("Firefox <-> Chromium through the embedded relay: " + counters);
    counters.assertMediaOver("udp");
  }

  /** Firefox as A, Chromium as B, in one fresh room; both pages once the call is up (video decoded both ways). */
  private List<DemoPage> call(String query) {
    String base = DemoPage.url(network, node, "e2e-firefox-" + UUID.randomUUID().toString().substring(0, 8));
    Instant opened = Instant.now();
    firefox = HeadlessFirefox.open(network, base + "?name=A" + query);
    DemoPage ada = firefox.page();
    DemoPage bob = chromiums.open(base + "?name=B" + query);
    Call call = Call.await(ada, bob, BrowserCallE2ETest.CALL_DEADLINE);
    System.out.printf("Firefox %s <-> Chromium: call up %d ms after Firefox started%n", firefox.version(),
        Duration.between(opened, call.upAt()).toMillis());
    for (Map<String, Object> link : List.of(call.adaSeesBob(), call.bobSeesAda())) {
      assertTrue(number(link, "framesDecoded") > 0, () -> "video decoded: " + link);
    }
    assertEquals(List.of(), ada.events("error"), "errors reported to Firefox");
    assertEquals(List.of(), bob.events("error"), "errors reported to Chromium");
    return List.of(ada, bob);
  }
}
