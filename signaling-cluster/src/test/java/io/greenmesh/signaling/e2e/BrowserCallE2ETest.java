package io.greenmesh.signaling.e2e;

import static io.greenmesh.signaling.e2e.Call.eventually;
import static io.greenmesh.signaling.e2e.DemoPage.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.WebElement;

/**
 * Two real browsers open the demo page of one room on an in-process GreenMesh node and hold a video call: the
 * page, greenmesh.js, the WebSocket protocol and the browsers' WebRTC stacks all take part. Media stays in the test's
 * own network: the browsers run in a {@link TestNetwork} namespace (loopback and one veth address), the node listens
 * on the veth's root end, there are no STUN or TURN servers, and the pair that ICE selects joins two host candidates
 * on loopback or the namespace address.
 */
@Timeout(120)
class BrowserCallE2ETest {

  static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private TestNetwork network;
  private Browsers browsers;
  private GreenMeshNode node;

  @BeforeEach
  void startNode() {
    HeadlessChromium.requireInstalled();
    network = TestNetwork.create();
    browsers = new Browsers(network);
    // The veth's root end, ports the system picks, no STUN or TURN servers: ICE can only use host candidates.
    node = TestNodes.start(network.nodeSettings());
  }

  @AfterEach
  void stopEverything() {
    Teardown.closeAll(browsers, node, network);
  }

  @Test
  void twoBrowsersInOneRoomHoldADirectVideoCall() {
    Call call = startCall();

    assertEquals("B", call.adaSeesBob().get("displayName"), "A knows B by the name in B's URL");
    assertEquals("A", call.bobSeesAda().get("displayName"), "B knows A by the name in A's URL");
    for (Map<String, Object> link : List.of(call.adaSeesBob(), call.bobSeesAda())) {
      assertEquals("connected", link.get("connectionState"), () -> "peer connection: " + link);
      assertTrue(number(link, "framesDecoded") > 0, () -> "video decoded: " + link);
      assertTrue(number(link, "bytesSent") > 0, () -> "bytes sent: " + link);
      assertEquals("host", link.get("localCandidateType"), () -> "selected pair, local side: " + link);
      assertEquals("host", link.get("remoteCandidateType"), () -> "selected pair, remote side: " + link);
      assertEquals("direct", link.get("path"), () -> "path badge: " + link);
      network.assertConfined((String) link.get("localAddress"), link);
      network.assertConfined((String) link.get("remoteAddress"), link);
    }
  }

  @Test
  void aSignalingOutageResumesTheSessionWhileMediaKeepsFlowing() {
    Call call = startCall();
    String adaId = call.ada().peerId();
    long framesBefore = number(call.bobSeesAda(), "framesDecoded");

    call.ada().script("window.greenmeshDemo.client.reconnect();");

    eventually("A resumes its session", Duration.ofSeconds(15),
        () -> !call.ada().events("resumed").isEmpty() && "joined".equals(call.ada().clientState()));
    assertEquals(adaId, call.ada().peerId(), "same peer after resume");
    assertTrue(call.bob().events("peer-left").isEmpty(), "B never saw A leave");
    assertEquals(1, call.bob().events("welcome").size(), "B did not have to join again");

    // Past the first periodic traffic reports (every 5 s): video still arrives and nothing sent was refused.
    Instant pastFirstReport = call.upAt().plusSeconds(6);
    eventually("B keeps decoding A's video", Duration.ofSeconds(20),
        () -> Instant.now().isAfter(pastFirstReport)
            && number(call.bob().onlyPeer(), "framesDecoded") > framesBefore + 30);
    for (DemoPage page : List.of(call.ada(), call.bob())) {
      Map<String, Object> link = page.onlyPeer();
      assertEquals("connected", link.get("connectionState"), () -> "peer connection: " + link);
      assertEquals(List.of(), page.events("error"), "errors reported to the page");
    }
  }

  @Test
  void bothSidesRestartingIceAtOnceRenegotiateThroughPerfectNegotiation() {
    Call call = startCall();
    // An ICE restart is new ICE credentials on both sides (JSEP: an answer to a restart offer has new ones too);
    // new host ports are incidental, so the check is on the username fragments.
    String adaWas = call.ada().localIceUfrag();
    String bobWas = call.bob().localIceUfrag();

    // Both offer at the same moment: the polite peer (the greater id) rolls its offer back, the other ignores.
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> call.ada().script("window.greenmeshDemo.client.restartIce();")),
        CompletableFuture.runAsync(() -> call.bob().script("window.greenmeshDemo.client.restartIce();")))
        .join();

    eventually(() -> "both sides connected again with fresh ICE credentials (A was " + adaWas + ", B " + bobWas
        + "); A sees " + call.ada().onlyPeer() + " " + call.ada().negotiationState() + ", B sees "
        + call.bob().onlyPeer() + " " + call.bob().negotiationState(), Duration.ofSeconds(20), () -> {
      Map<String, Object> ada = call.ada().onlyPeer();
      Map<String, Object> bob = call.bob().onlyPeer();
      String adaNow = call.ada().localIceUfrag();
      String bobNow = call.bob().localIceUfrag();
      return ada != null && bob != null
          && "connected".equals(ada.get("connectionState")) && "connected".equals(bob.get("connectionState"))
          && adaNow != null && !adaNow.equals(adaWas) && bobNow != null && !bobNow.equals(bobWas);
    });
    for (DemoPage page : List.of(call.ada(), call.bob())) {
      Map<String, Object> link = page.onlyPeer();
      network.assertConfined((String) link.get("localAddress"), link);
      network.assertConfined((String) link.get("remoteAddress"), link);
    }
    long framesNow = number(call.ada().onlyPeer(), "framesDecoded");
    eventually("A keeps decoding B's video", Duration.ofSeconds(10),
        () -> number(call.ada().onlyPeer(), "framesDecoded") > framesNow + 20);
    assertEquals(List.of(), call.ada().events("error"), "errors reported to A");
    assertEquals(List.of(), call.bob().events("error"), "errors reported to B");
  }

  @Test
  void leavingEndsTheCallWithACarbonReportAndRejoiningStartsANewOne() {
    Call call = startCall();
    // The server counts a link's bytes from its first traffic report on; B's last one goes out as B leaves.
    eventually("A and B report their traffic", Duration.ofSeconds(10),
        () -> !call.ada().events("report").isEmpty() && !call.bob().events("report").isEmpty());

    call.bob().element("leave-btn").click();

    eventually("A gets the call's carbon report", Duration.ofSeconds(15),
        () -> !call.ada().events("carbon-report").isEmpty());
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) call.ada().events("carbon-report").get(0);
    assertTrue(number(report, "bytesDirect") > 0, () -> "B's final traffic report was counted: " + report);
    assertEquals(0L, number(report, "bytesRelayed"), () -> "nothing was relayed: " + report);
    assertTrue(report.get("avoidedCo2eGrams") instanceof Map<?, ?> grams && !grams.isEmpty(),
        () -> "CO2e per preset: " + report);
    WebElement panel = call.ada().element("carbon");
    assertTrue(panel.isDisplayed(), "A shows the carbon panel");
    assertTrue(panel.getText().contains("saved about"), () -> "carbon panel: " + panel.getText());
    eventually("A sees B leave", Duration.ofSeconds(5), () -> call.ada().peerCount() == 0);
    assertEquals("Rejoin", call.bob().element("leave-btn").getText().trim(), "B can rejoin");

    call.bob().element("leave-btn").click();

    Call again = Call.await(call.ada(), call.bob(), CALL_DEADLINE);
    assertEquals("B", again.adaSeesBob().get("displayName"), "A sees B again");
    assertEquals(List.of(), call.bob().events("error"), "errors reported to B");
  }

  private Call startCall() {
    String room = "e2e-room-" + UUID.randomUUID().toString().substring(0, 8);
    String base = DemoPage.url(network, node, room);
    DemoPage ada = browsers.open(base + "?name=A");
    DemoPage bob = browsers.open(base + "?name=B");
    return Call.await(ada, bob, CALL_DEADLINE);
  }
}
