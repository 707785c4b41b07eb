package io.greenmesh.signaling.peerjs;

import static io.greenmesh.signaling.peerjs.PeerJsClients.expectErrorAndClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The greenmesh.peerjs settings take effect: path, key, enabled, and the node's allowed origins. */
@Timeout(60)
class PeerJsConfigurationTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aNodeWithPeerJsOffHasNoPeerJsRoutes() throws Exception {
    try (GreenMeshNode node = TestNodes.start(Map.of("greenmesh.peerjs.enabled", false))) {
      assertEquals(404, get(node, "/peerjs/peerjs/id", Optional.empty()).statusCode());
      assertEquals(200, get(node, "/v1/ice-servers", Optional.empty()).statusCode(), "the rest of the node serves");
    }
  }

  @Test
  void pathKeyAndAllowedOriginsAreHonoured() throws Exception {
    try (GreenMeshNode node = TestNodes.start(Map.of(
        "greenmesh.peerjs.path", "/myapp/",
        "greenmesh.peerjs.key", "k1",
        "greenmesh.http.allowed-origins", List.of("https://ok.example")));
        PeerJsClients clients = new PeerJsClients()) {
      assertEquals(404, get(node, "/peerjs/k1/id", Optional.empty()).statusCode());
      HttpResponse<String> allowed = get(node, "/myapp/k1/id", Optional.of("https://ok.example"));
      assertEquals(200, allowed.statusCode());
      assertEquals(Optional.of("https://ok.example"), allowed.headers().firstValue("Access-Control-Allow-Origin"));
      HttpResponse<String> other = get(node, "/myapp/k1/id", Optional.of("https://evil.example"));
      assertEquals(Optional.empty(), other.headers().firstValue("Access-Control-Allow-Origin"));

      String query = "key=k1&id=" + PeerJsClients.newId("a") + "&token=t";
      assertEquals("HTTP/1.1 403 Forbidden", upgradeStatus(node, "/myapp/peerjs?" + query, "https://evil.example"));
      assertTrue(upgradeStatus(node, "/myapp/peerjs?" + query, "https://ok.example").startsWith("HTTP/1.1 101"));

      WsClient right = clients.add(new WsClient(URI.create(
          "ws://127.0.0.1:" + node.httpPort() + "/myapp/peerjs?key=k1&id=" + PeerJsClients.newId("b") + "&token=t")));
      right.expect("OPEN");
      WsClient wrongKey = clients.add(new WsClient(URI.create(
          "ws://127.0.0.1:" + node.httpPort() + "/myapp/peerjs?key=peerjs&id=x&token=t")));
      expectErrorAndClose(wrongKey, PeerJsMessage.INVALID_KEY);
    }
  }

  /** The status line of a WebSocket upgrade request with this Origin (the JDK client cannot set Origin). */
  private static String upgradeStatus(GreenMeshNode node, String pathAndQuery, String origin) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), node.httpPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  private static HttpResponse<String> get(GreenMeshNode node, String path, Optional<String> origin)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).GET();
    origin.ifPresent(o -> b.header("Origin", o));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
