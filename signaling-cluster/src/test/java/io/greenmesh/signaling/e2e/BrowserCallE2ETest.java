package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.GreenMeshNode;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Two real browsers open the demo page of one room on an in-process GreenMesh node and hold a video call: the
 * page, greenmesh.js, the WebSocket protocol and the browsers' WebRTC stacks all take part. Media stays on this
 * machine: the node listens on 127.0.0.1, there are no STUN or TURN servers, and the pair that ICE selects joins
 * two host candidates of this machine.
 */
@Timeout(120)
class BrowserCallE2ETest {

  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private static final String STATS =
      "return window.greenmeshDemo ? window.greenmeshDemo.stats() : null;";

  private GreenMeshNode node;
  private final List<HeadlessChromium> browsers = new ArrayList<>();

  @BeforeEach
  void startNode() {
    HeadlessChromium.requireInstalled();
    // Everything on loopback and on ports the system picks; no TURN relay: ICE can only use host candidates.
    Config overrides = ConfigFactory.parseString("""
        greenmesh.http.host = "127.0.0.1"
        greenmesh.http.port = 0
        greenmesh.management.host = "127.0.0.1"
        greenmesh.management.port = 0
        greenmesh.cluster.host = "127.0.0.1"
        greenmesh.cluster.port = 0
        greenmesh.turn.enabled = false
        """);
    node = GreenMeshNode.start(overrides);
  }

  @AfterEach
  void stopEverything() {
    RuntimeException failure = null;
    for (HeadlessChromium browser : browsers) {
      try {
        browser.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    browsers.clear();
    if (node != null) {
      node.close();
      node = null;
    }
    if (failure != null) {
      throw failure;
    }
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
      assertOnThisMachine((String) link.get("localAddress"), link);
      assertOnThisMachine((String) link.get("remoteAddress"), link);
    }
  }

  @Test
  void aSignalingOutageResumesTheSessionWhileMediaKeepsFlowing() {
    Call call = startCall();
    String adaId = (String) script(call.ada(), "return window.greenmeshDemo.client.peerId;");
    long framesBefore = number(call.bobSeesAda(), "framesDecoded");

    script(call.ada(), "window.greenmeshDemo.client.reconnect();");

    await("A resumes its session", Duration.ofSeconds(15),
        () -> !events(call.ada(), "resumed").isEmpty()
            && "joined".equals(script(call.ada(), "return window.greenmeshDemo.client.state;")));
    assertEquals(adaId, script(call.ada(), "return window.greenmeshDemo.client.peerId;"), "same peer after resume");
    assertTrue(events(call.bob(), "peer-left").isEmpty(), "B never saw A leave");
    assertEquals(1, events(call.bob(), "welcome").size(), "B did not have to join again");

    // Past the first traffic reports (every 5 s): video still arrives and nothing A or B sent was refused.
    Instant pastFirstReport = call.upAt().plusSeconds(6);
    await("B keeps decoding A's video", Duration.ofSeconds(20),
        () -> Instant.now().isAfter(pastFirstReport)
            && number(onlyPeer(call.bob()), "framesDecoded") > framesBefore + 30);
    for (WebDriver page : List.of(call.ada(), call.bob())) {
      Map<String, Object> link = onlyPeer(page);
      assertEquals("connected", link.get("connectionState"), () -> "peer connection: " + link);
      assertEquals(List.of(), events(page, "error"), "errors reported to the page");
    }
  }

  @Test
  void leavingEndsTheCallWithACarbonReportAndRejoiningStartsANewOne() {
    Call call = startCall();
    // The server counts a link's bytes from its first traffic report on; B's last one goes out as B leaves.
    await("A and B report their traffic", Duration.ofSeconds(10),
        () -> !events(call.ada(), "report").isEmpty() && !events(call.bob(), "report").isEmpty());

    call.bob().findElement(By.id("leave-btn")).click();

    await("A gets the call's carbon report", Duration.ofSeconds(15),
        () -> !events(call.ada(), "carbon-report").isEmpty());
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) events(call.ada(), "carbon-report").get(0);
    assertTrue(number(report, "bytesDirect") > 0, () -> "B's final traffic report was counted: " + report);
    assertEquals(0L, number(report, "bytesRelayed"), () -> "nothing was relayed: " + report);
    assertTrue(report.get("avoidedCo2eGrams") instanceof Map<?, ?> grams && !grams.isEmpty(),
        () -> "CO2e per preset: " + report);
    WebElement panel = call.ada().findElement(By.id("carbon"));
    assertTrue(panel.isDisplayed(), "A shows the carbon panel");
    assertTrue(panel.getText().contains("saved about"), () -> "carbon panel: " + panel.getText());
    await("A sees B leave", Duration.ofSeconds(5), () -> peerCount(call.ada()) == 0);
    assertEquals("Rejoin", call.bob().findElement(By.id("leave-btn")).getText().trim(), "B can rejoin");

    call.bob().findElement(By.id("leave-btn")).click();

    Call again = awaitCall(call.ada(), call.bob());
    assertEquals("B", again.adaSeesBob().get("displayName"), "A sees B again");
    assertEquals(List.of(), events(call.bob(), "error"), "errors reported to B");
  }

  /** Two pages in one fresh room, once both peer connections are up and decoding video. */
  private record Call(WebDriver ada, WebDriver bob, Map<String, Object> adaSeesBob, Map<String, Object> bobSeesAda,
      Instant upAt) {}

  private Call startCall() {
    String room = "e2e-room-" + UUID.randomUUID().toString().substring(0, 8);
    String base = "http://localhost:" + node.httpPort() + "/" + room;
    WebDriver ada = open(base + "?name=A");
    WebDriver bob = open(base + "?name=B");
    return awaitCall(ada, bob);
  }

  /** Waits (bounded) until each page has one peer, connected and decoding its video. */
  private static Call awaitCall(WebDriver ada, WebDriver bob) {
    Instant started = Instant.now();
    Instant deadline = started.plus(CALL_DEADLINE);
    Map<String, Object> adaSeesBob = null;
    Map<String, Object> bobSeesAda = null;
    while (Instant.now().isBefore(deadline)) {
      adaSeesBob = onlyPeer(ada);
      bobSeesAda = onlyPeer(bob);
      if (inCall(adaSeesBob) && inCall(bobSeesAda)) {
        break;
      }
      sleep(250);
    }
    if (!inCall(adaSeesBob) || !inCall(bobSeesAda)) {
      fail("no call within " + CALL_DEADLINE.toSeconds() + " s; A sees " + adaSeesBob + " (status: " + status(ada)
          + "), B sees " + bobSeesAda + " (status: " + status(bob) + ")");
    }
    System.out.printf("call up after %d ms: A sees %s%n  B sees %s%n",
        Duration.between(started, Instant.now()).toMillis(), adaSeesBob, bobSeesAda);
    return new Call(ada, bob, adaSeesBob, bobSeesAda, Instant.now());
  }

  private WebDriver open(String url) {
    HeadlessChromium browser = HeadlessChromium.start(HeadlessChromium.LOOPBACK_WEBRTC);
    browsers.add(browser);
    browser.driver().get(url);
    return browser.driver();
  }

  private static Object script(WebDriver page, String js, Object... arguments) {
    return ((JavascriptExecutor) page).executeScript(js, arguments);
  }

  /** What the demo's client reported with events of one type, oldest first. */
  @SuppressWarnings("unchecked")
  private static List<Object> events(WebDriver page, String type) {
    Object result = script(page,
        "return window.greenmeshDemo.events.filter(e => e.type === arguments[0]).map(e => e.detail);", type);
    return (List<Object>) result;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        fail("not within " + timeout.toSeconds() + " s: " + what);
      }
      sleep(200);
    }
  }

  private static long peerCount(WebDriver page) {
    return script(page, "return window.greenmeshDemo.client.peers().length;") instanceof Number n ? n.longValue() : -1;
  }

  /** The demo's view of its single remote peer, or null while it has none. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyPeer(WebDriver page) {
    Object result = script(page, STATS);
    if (!(result instanceof List<?> peers) || peers.size() != 1) {
      return null;
    }
    return (Map<String, Object>) peers.get(0);
  }

  private static boolean inCall(Map<String, Object> link) {
    return link != null
        && "connected".equals(link.get("connectionState"))
        && number(link, "framesDecoded") > 0
        && link.get("localCandidateType") != null;
  }

  private static long number(Map<String, Object> link, String key) {
    return link != null && link.get(key) instanceof Number n ? n.longValue() : 0L;
  }

  private static String status(WebDriver page) {
    Object text = script(page, "const s = document.getElementById('status'); return s ? s.textContent : null;");
    return String.valueOf(text);
  }

  /** An "address:port" of the selected pair must belong to this machine: the media never left it. */
  private static void assertOnThisMachine(String addressAndPort, Map<String, Object> link) {
    assertTrue(addressAndPort != null && addressAndPort.lastIndexOf(':') > 0, () -> "pair address: " + link);
    String host = addressAndPort.substring(0, addressAndPort.lastIndexOf(':'));
    try {
      InetAddress address = InetAddress.getByName(host);
      assertTrue(address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null,
          () -> host + " is not an address of this machine: " + link);
    } catch (UnknownHostException | SocketException e) {
      fail("pair address " + host + " of " + link + ": " + e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the call", e);
    }
  }
}
