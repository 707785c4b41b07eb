package io.greenmesh.signaling.e2e;

import io.greenmesh.signaling.GreenMeshNode;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * One browser showing the demo call page, read through its test hook {@code window.greenmeshDemo}: a Chromium tab
 * (WebDriver) or a Firefox ({@link HeadlessFirefox}, WebDriver BiDi).
 */
final class DemoPage {

  private static final String STATS = "return window.greenmeshDemo ? window.greenmeshDemo.stats() : null;";

  /**
   * Per remote peer, the pair ICE selected, read straight from {@code RTCPeerConnection.getStats()}: the transport's
   * {@code selectedCandidatePairId} (Chromium), else the pair flagged {@code selected} (Firefox). For a relay
   * candidate, {@code relayProtocol} is how the browser reaches its TURN server (udp, tcp or tls).
   */
  private static final String SELECTED_PAIRS = """
      const peers = window.greenmeshDemo ? [...window.greenmeshDemo.client._peers.values()] : [];
      return Promise.all(peers.map(async (p) => {
        const out = {peerId: p.peerId, connectionState: p.pc ? p.pc.connectionState : 'new'};
        if (!p.pc) return out;
        const report = await p.pc.getStats();
        let pair = null;
        report.forEach((s) => {
          if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
        });
        report.forEach((s) => {
          if (!pair && s.type === 'candidate-pair' && s.selected) pair = s;
        });
        // Every candidate gathered, for failure messages: which TURN transports produced an allocation at all.
        out.gathered = [];
        report.forEach((s) => {
          if (s.type === 'local-candidate') out.gathered.push(s.candidateType + '/' + (s.relayProtocol || s.protocol));
        });
        if (!pair) return out;
        const local = report.get(pair.localCandidateId) || {};
        const remote = report.get(pair.remoteCandidateId) || {};
        return Object.assign(out, {
          localCandidateType: local.candidateType || null, relayProtocol: local.relayProtocol || null,
          localProtocol: local.protocol || null, localAddress: (local.address || local.ip) + ':' + local.port,
          remoteCandidateType: remote.candidateType || null,
          remoteAddress: (remote.address || remote.ip) + ':' + remote.port});
      }));""";

  /** Runs a script body (which may {@code return} a value or a promise) with {@code arguments} in the page. */
  interface Scripts {
    Object run(String body, Object... arguments);
  }

  private final Scripts scripts;
  private final WebDriver driver;

  DemoPage(WebDriver driver) {
    this.scripts = (body, arguments) -> ((JavascriptExecutor) driver).executeScript(body, arguments);
    this.driver = driver;
  }

  DemoPage(Scripts scripts) {
    this.scripts = scripts;
    this.driver = null;
  }

  Object script(String js, Object... arguments) {
    return scripts.run(js, arguments);
  }

  /** The selected candidate pair towards each remote peer (see {@link #SELECTED_PAIRS}). */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> selectedPairs() {
    return (List<Map<String, Object>>) script(SELECTED_PAIRS);
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

  /** An element of a WebDriver-driven page (Chromium). */
  WebElement element(String id) {
    if (driver == null) {
      throw new UnsupportedOperationException("element(" + id + "): this page is not driven by WebDriver");
    }
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
