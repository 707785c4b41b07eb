package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.e2e.IcePaths.RelayCounters;
import io.greenmesh.signaling.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A mesh room of six Chromium tabs, relay only, on the node's defaults (embedded relay on the wildcard bind, its
 * UDP and TCP URLs, its per-user allocation quota): each tab holds five peer connections and gathers allocations for
 * each under the one username its {@code welcome} carried, and every one of the fifteen pairs must connect through
 * the relay over UDP. The tabs share one browser and play a tiny generated video so that 2 cores carry them.
 */
@Timeout(300)
class MeshRoomE2ETest {

  private static final int TABS = 6;

  private TestNetwork network;
  private Browsers browsers;
  private GreenMeshNode node;
  private Path workDir;
  private List<DemoPage> tabs = List.of();

  @BeforeEach
  void requireBrowser() throws IOException {
    HeadlessChromium.requireInstalled();
    network = TestNetwork.createWithDefaultRoute();
    browsers = new Browsers(network);
    workDir = Files.createTempDirectory("greenmesh-mesh-");
  }

  @AfterEach
  void stopEverything() {
    Teardown.closeAll(browsers, node, network, () -> HeadlessChromium.deleteTree(workDir));
  }

  /** Failure context, read when a wait fails: the tab, and every non-zero counter of the relay at that moment. */
  private Object relayStateFor(String tab) {
    return new Object() {
      @Override
      public String toString() {
        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < tabs.size(); i++) {
          errors.append("\nT").append(i).append(" relay-upgrade: ").append(tabs.get(i).events("relay-upgrade"))
              .append(", ice-candidate-error: ").append(tabs.get(i).events("ice-candidate-error"));
        }
        return " (tab " + tab + "); relay: " + RelayCounters.meters(node) + errors;
      }
    };
  }

  @Test
  void sixTabsRelayOnlyOnDefaultsConnectEveryPairOverUdpRelay() {
    node = TestNodes.start(RelayedCallE2ETest.embeddedRelayOnDefaults(network));
    String base = DemoPage.url(network, node, "e2e-mesh-" + UUID.randomUUID().toString().substring(0, 8));
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < TABS; i++) {
      urls.add(base + "?name=T" + i + "&relay=1");
    }

    Instant opened = Instant.now();
    tabs = browsers.openTabs(urls, Browsers.lightTabs(Browsers.tinyVideo(workDir)));
    List<List<Map<String, Object>>> pairs = new ArrayList<>();
    for (DemoPage tab : tabs) {
      pairs.add(IcePaths.awaitSelectedPairs(tab, TABS - 1, Duration.ofSeconds(120)));
    }
    for (int i = 0; i < TABS; i++) {
      pairs.set(i, IcePaths.awaitRelayedOver("udp", tabs.get(i), TABS - 1, network, Duration.ofSeconds(20),
          relayStateFor("T" + i)));
    }
    System.out.printf("mesh of %d tabs: every pair connected %d ms after the first tab opened%n", TABS,
        Duration.between(opened, Instant.now()).toMillis());
    int upgrades = tabs.stream().mapToInt(tab -> tab.events("relay-upgrade").size()).sum();
    System.out.printf("mesh of %d: %d of %d links probed UDP with an ICE restart (relay-upgrade)%n", TABS, upgrades,
        TABS * (TABS - 1));

    for (int i = 0; i < TABS; i++) {
      System.out.println("T" + i + " selected pairs: " + pairs.get(i));
      assertEquals(List.of(), tabs.get(i).events("error"), "errors reported to T" + i);
    }
    RelayCounters counters = RelayCounters.of(node);
    double refused = node.telemetry().registry().find("greenmesh.turn.allocations.refused").counters().stream()
        .mapToDouble(Counter::count).sum();
    System.out.println("mesh of " + TABS + ": " + counters + ", allocations refused " + refused);
    assertEquals(0.0, refused, "allocations the relay refused");
    counters.assertMediaOver("udp");
  }
}
