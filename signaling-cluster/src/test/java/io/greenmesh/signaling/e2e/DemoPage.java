package io.greenmesh.signaling.e2e;

import io.greenmesh.signaling.GreenMeshNode;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** One browser showing the demo call page, read through its test hook {@code window.greenmeshDemo}. */
final class DemoPage {

  private static final String STATS = "return window.greenmeshDemo ? window.greenmeshDemo.stats() : null;";

  private final WebDriver driver;

  DemoPage(WebDriver driver) {
    this.driver = driver;
  }

  Object script(String js, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(js, arguments);
  }

  /** The client's view of its single remote peer ({@code client.stats()[0]}), or null unless it has exactly one. */
  @SuppressWarnings("unchecked")
  Map<String, Object> onlyPeer() {
    Object result = script(STATS);
    if (!(result instanceof List<?> peers) || peers.size() != 1) {
      return null;
    }
    return (Map<String, Object>) peers.get(0);
  }

  long peerCount() {
    return script("return window.greenmeshDemo.client.peers().length;") instanceof Number n ? n.longValue() : -1;
  }

  String peerId() {
    return (String) script("return window.greenmeshDemo.client.peerId;");
  }

  String clientState() {
    return (String) script("return window.greenmeshDemo.client.state;");
  }

  /** The details of the events of one type the client emitted, oldest first. */
  @SuppressWarnings("unchecked")
  List<Object> events(String type) {
    return (List<Object>) script(
        "return window.greenmeshDemo.events.filter(e => e.type === arguments[0]).map(e => e.detail);", type);
  }

  /** For failure messages: per peer, who is polite, the signaling state, local and remote ICE ufrags, errors. */
  /** The ICE username fragment of this page's current local description to its only peer (null before one). */
  String localIceUfrag() {
    Object u = script("""
        const p = [...window.greenmeshDemo.client._peers.values()][0];
        const m = p && p.pc && p.pc.localDescription && p.pc.localDescription.sdp.match(/^a=ice-ufrag:(\\S+)/m);
        return m ? m[1] : null;""");
    return u == null ? null : u.toString();
  }

  String negotiationState() {
    try {
      return String.valueOf(script("""
        const c = window.greenmeshDemo.client;
        const ufrag = (d) => { const m = d && d.sdp.match(/^a=ice-ufrag:(\\S+)/m); return m ? m[1] : null; };
        return JSON.stringify({peers: [...c._peers.values()].map((p) => ({polite: p.polite,
            signaling: p.pc && p.pc.signalingState, local: p.pc && ufrag(p.pc.localDescription),
            remote: p.pc && ufrag(p.pc.remoteDescription)})),
          errors: window.greenmeshDemo.events.filter((e) => e.type === 'error').map((e) => e.detail)});"""));
    } catch (RuntimeException e) {
      return "(negotiation state unreadable: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
    }
  }

  /** The status line the person sees. */
  String status() {
    return String.valueOf(script("const s = document.getElementById('status'); return s ? s.textContent : null;"));
  }

  WebElement element(String id) {
    return driver.findElement(By.id(id));
  }

  /** The demo page of {@code room} on {@code node}, as a browser in {@code network}'s namespace opens it. */
  static String url(TestNetwork network, GreenMeshNode node, String room) {
    return network.url(node.httpPort()) + "/" + room;
  }

  static long number(Map<String, Object> values, String key) {
    return values != null && values.get(key) instanceof Number n ? n.longValue() : 0L;
  }
}
