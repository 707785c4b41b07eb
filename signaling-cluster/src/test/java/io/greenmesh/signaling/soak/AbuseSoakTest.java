package io.greenmesh.signaling.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import io.greenmesh.signaling.support.WsClient;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Bounded abuse while a well-behaved call goes on in another room: a client that never reads, clients flooding
 * oversized frames and garbage, and half-open connections that never finish their handshake. The call loses nothing,
 * its round trips stay sane, every abuser is cut off, and the node's heap stays bounded. Loopback only, about 20 s.
 */
class AbuseSoakTest {
  private static final Duration ABUSE = Duration.ofSeconds(12);

  @Test
  void abuseCostsTheAbusersOnly() throws Exception {
    try (GreenMeshNode node = TestNodes.start(Map.of(
        "greenmesh.signaling.rate-limit.messages-per-second", 5000,
        "greenmesh.signaling.rate-limit.burst", 5000,
        "greenmesh.signaling.outbound-queue", 64,
        "pekko.http.server.idle-timeout", "3s",
        "pekko.http.server.request-timeout", "3s"))) {
      int port = node.httpPort();
      List<AutoCloseable> abusers = new ArrayList<>();
      AtomicBoolean abusing = new AtomicBoolean(true);

      // The well-behaved call.
      WsClient a = new WsClient(port);
      String idA = a.join("calm", "A").get("peerId").asText();
      WsClient b = new WsClient(port);
      String idB = b.join("calm", "B").get("peerId").asText();
      a.expect("peer-joined");

      // A reader that never reads (a raw socket with a tiny receive buffer, after a real WebSocket handshake), in a
      // room where someone broadcasts large frames at it.
      Socket stalled = new Socket();
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      OutputStream stalledOut = stalled.getOutputStream();
      stalledOut.write(("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      assertEquals(12, stalled.getInputStream().readNBytes(head, 0, 12));
      assertTrue(new String(head, StandardCharsets.US_ASCII).contains("101"), "handshake");
      stalledOut.write(maskedText("{\"type\":\"join\",\"room\":\"stalled\"}"));
      stalledOut.flush();
      abusers.add(stalled);
      WsClient shouter = new WsClient(port);
      shouter.join("stalled", "shouter");
      String big = "{\"type\":\"broadcast\",\"data\":\"" + "x".repeat(60_000) + "\"}";
      Thread shouting = new Thread(() -> {
        for (int i = 0; i < 5_000 && abusing.get(); i++) {
          try {
            shouter.send(big);
          } catch (RuntimeException closed) {
            return;
          }
        }
      }, "shouter");
      shouting.start();

      // Clients that send oversized frames or garbage until they are cut off.
      Thread flooders = new Thread(() -> {
        String oversized = "x".repeat(80_000);
        for (int i = 0; i < 40 && abusing.get(); i++) {
          try (WsClient f = new WsClient(port)) {
            for (int k = 0; k < 5; k++) {
              f.send(k % 2 == 0 ? oversized : "\u0000{garbage" + k);
            }
          } catch (RuntimeException cutOff) {
            // expected sooner or later
          }
        }
      }, "flooders");
      flooders.start();

      // Half-open connections: an HTTP upgrade request that never ends.
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream out = s.getOutputStream();
        out.write("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        abusers.add(s);
      }

      // Meanwhile the call goes on: signals A -> B, each answered, all of them.
      List<Long> roundTrips = new ArrayList<>();
      long end = System.nanoTime() + ABUSE.toNanos();
      int n = 0;
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        a.send("{\"type\":\"signal\",\"to\":\"" + idB + "\",\"data\":" + n + "}");
        JsonNode got = b.expect("signal");
        assertEquals(n, got.get("data").asInt(), "in order, none lost");
        b.send("{\"type\":\"signal\",\"to\":\"" + idA + "\",\"data\":" + n + "}");
        assertEquals(n, a.expect("signal").get("data").asInt());
        roundTrips.add((System.nanoTime() - t0) / 1_000_000);
        n++;
        Thread.sleep(20);
      }
      abusing.set(false);
      shouting.join(10_000);
      flooders.join(10_000);

      roundTrips.sort(null);
      long p50 = roundTrips.get(roundTrips.size() / 2);
      long p99 = roundTrips.get((int) (roundTrips.size() * 0.99));
      System.out.printf("well-behaved call under abuse: %d round trips, p50 %d ms, p99 %d ms%n", n, p50, p99);
      assertTrue(n > 50, "the call kept going: " + n);
      assertTrue(p99 < 2_000, "round trips stayed sane under abuse, p99 " + p99 + " ms");

      var registry = node.telemetry().registry();

      double slow = registry.get("greenmesh.signaling.connections.closed").tag("reason", "slow-reader").counter()
          .count();
      double tooLarge = registry.get("greenmesh.signaling.connections.closed").tag("reason", "too-large").counter()
          .count();
      assertTrue(slow >= 1, "the reader that never reads was disconnected");
      assertTrue(tooLarge >= 1, "oversized-frame flooders were disconnected");

      // Half-open handshakes are dropped by the server's timeouts.
      Thread.sleep(4_000);
      int closedByServer = 0;
      for (AutoCloseable c : abusers) {
        Socket s = (Socket) c;
        s.setSoTimeout(1_000);
        try {
          s.getInputStream().read(); // end of stream, or the first byte of a timeout answer
          closedByServer++;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // the server is still holding it: not counted
        } catch (java.io.IOException reset) {
          closedByServer++;
        }
      }
      assertEquals(abusers.size(), closedByServer, "every half-open or stalled connection was answered or closed");

      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("heap after abuse and GC: %d MiB%n", heap >> 20);
      assertTrue(heap < 1024L << 20, "heap bounded: " + (heap >> 20) + " MiB");

      for (AutoCloseable c : abusers) {
        c.close();
      }
      shouter.close();
      a.close();
      b.close();
    }
  }

  /** One client-to-server text frame (clients must mask), payload under 126 bytes. */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
