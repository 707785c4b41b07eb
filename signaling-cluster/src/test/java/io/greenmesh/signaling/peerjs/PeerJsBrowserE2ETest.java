package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.e2e.HeadlessChromium;
import io.greenmesh.signaling.e2e.Teardown;
import io.greenmesh.signaling.e2e.TestNetwork;
import io.greenmesh.signaling.support.TestNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The real {@code peerjs} client (npm, unmodified, served by the node) in two headless Chromiums: page A calls page B
 * by id through GreenMesh with a data connection and a media call; both connect and carry data and video. Once with
 * both pages on one node, once with each page on its own node of a two-node cluster. Media stays in the test's own
 * network: the browsers run in a {@link TestNetwork} namespace, the nodes listen on its veth's root end, there are no
 * STUN or TURN servers, and every selected candidate pair (data and media) joins loopback or namespace addresses.
 */
@Timeout(150)
class PeerJsBrowserE2ETest {
  private static final Duration DEADLINE = Duration.ofSeconds(40);
  private static final String STATE = "const s = window.peerjsTest; return s ? {open: s.open, id: s.id,"
      + " errors: s.errors, dataOpen: s.data.open, received: s.data.received.map(String),"
      + " remoteStream: s.media.remoteStream, framesDecoded: s.media.framesDecoded,"
      + " connectionState: s.media.connectionState, log: s.log} : null;";

  /** Every peer connection of the page's Peer: its kind and the two candidates of its selected pair. */
  private static final String SELECTED_PAIRS = """
      const done = arguments[arguments.length - 1];
      (async () => {
        const out = [];
        for (const list of Object.values(window.peerjsPeer.connections)) {
          for (const c of list) {
            const pc = c.peerConnection;
            if (!pc) { out.push({type: c.type, pair: null}); continue; }
            const stats = await pc.getStats();
            let pair = null;
            stats.forEach((r) => {
              if (r.type === "transport" && r.selectedCandidatePairId) { pair = stats.get(r.selectedCandidatePairId); }
            });
            const at = (id) => { const x = stats.get(id); return x ? (x.address ?? x.ip) + ":" + x.port : null; };
            const kind = (id) => { const x = stats.get(id); return x ? x.candidateType : null; };
            out.push({type: c.type, pair: pair && {local: at(pair.localCandidateId), remote: at(pair.remoteCandidateId),
                localType: kind(pair.localCandidateId), remoteType: kind(pair.remoteCandidateId)}});
          }
        }
        return out;
      })().then(done, (e) => done(String(e)));""";

  private final List<HeadlessChromium> browsers = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();
  private TestNetwork network;

  @BeforeEach
  void requireBrowser() {
    HeadlessChromium.requireInstalled();
    network = TestNetwork.create();
  }

  @AfterEach
  void stopEverything() {
    List<AutoCloseable> all = new ArrayList<>(browsers);
    all.addAll(servers);
    all.add(network);
    browsers.clear();
    servers.clear();
    Teardown.closeAll(all);
  }

  @Test
  void pageACallsPageBByIdWithDataAndVideoThroughOneNode() {
    GreenMeshNode node = TestNodes.start(network.nodeSettings());
    servers.add(node);
    callAndCheck(node.httpPort(), node.httpPort());
  }

  @Test
  void pageACallsPageBByIdWhenTheyAreConnectedToDifferentNodes() {
    TwoNodeCluster cluster = TwoNodeCluster.start(network.nodeSettings());
    servers.add(cluster);
    callAndCheck(cluster.first.httpPort(), cluster.second.httpPort());
  }

  private void callAndCheck(int portOfA, int portOfB) {
    String b = PeerJsClients.newId("bob");
    String a = PeerJsClients.newId("ada");
    WebDriver bob = open(network.url(portOfB) + "/app/peerjs/index.html?id=" + b);
    await("B registers its id", bob, () -> Boolean.TRUE.equals(state(bob).get("open")));
    WebDriver ada = open(network.url(portOfA) + "/app/peerjs/index.html?id=" + a + "&call=" + b);

    await("the data connection carries data both ways and video flows both ways", ada, () -> {
      Map<String, Object> sa = state(ada);
      Map<String, Object> sb = state(bob);
      return connected(sa) && connected(sb)
          && received(sb).contains("hello from " + a)
          && received(sa).contains("echo: hello from " + a);
    });
    System.out.printf("PeerJS call up: A %s%n  B %s%n", state(ada), state(bob));
    for (WebDriver page : List.of(ada, bob)) {
      Map<String, Object> s = state(page);
      assertEquals(List.of(), s.get("errors"), () -> "errors on the page: " + s);
      assertSelectedPairsConfined(page);
    }
  }

  /** The data and the media connection each selected a host/host pair on loopback or namespace addresses. */
  @SuppressWarnings("unchecked")
  private void assertSelectedPairsConfined(WebDriver page) {
    Object result = ((JavascriptExecutor) page).executeAsyncScript(SELECTED_PAIRS);
    assertTrue(result instanceof List<?> l && l.size() >= 2, () -> "a data and a media connection: " + result);
    Set<Object> kinds = new HashSet<>();
    for (Object entry : (List<Object>) result) {
      Map<String, Object> connection = (Map<String, Object>) entry;
      kinds.add(connection.get("type"));
      Map<String, Object> pair = (Map<String, Object>) connection.get("pair");
      assertTrue(pair != null, () -> "no selected pair: " + result);
      assertEquals("host", pair.get("localType"), () -> "local side: " + result);
      assertEquals("host", pair.get("remoteType"), () -> "remote side: " + result);
      network.assertConfined((String) pair.get("local"), result);
      network.assertConfined((String) pair.get("remote"), result);
    }
    assertEquals(Set.of("data", "media"), kinds, () -> "connections: " + result);
  }

  private static boolean connected(Map<String, Object> s) {
    return s != null
        && Boolean.TRUE.equals(s.get("dataOpen"))
        && Boolean.TRUE.equals(s.get("remoteStream"))
        && "connected".equals(s.get("connectionState"))
        && s.get("framesDecoded") instanceof Number n && n.longValue() > 0;
  }

  @SuppressWarnings("unchecked")
  private static List<String> received(Map<String, Object> s) {
    return s != null && s.get("received") instanceof List<?> l ? (List<String>) l : List.of();
  }

  private WebDriver open(String url) {
    List<String> arguments = new ArrayList<>(HeadlessChromium.UNMASKED_HOST_CANDIDATES);
    arguments.add(HeadlessChromium.secureOrigin(url));
    HeadlessChromium browser = HeadlessChromium.start(network, arguments);
    browsers.add(browser);
    browser.driver().get(url);
    return browser.driver();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> state(WebDriver page) {
    return (Map<String, Object>) ((JavascriptExecutor) page).executeScript(STATE);
  }

  private void await(String what, WebDriver page, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        StringBuilder states = new StringBuilder();
        for (HeadlessChromium b : browsers) {
          states.append("\n  ").append(state(b.driver()));
        }
        fail("not within " + DEADLINE.toSeconds() + " s: " + what + "; pages:" + states);
      }
      TwoNodeCluster.sleep(250);
    }
  }
}
