package io.greenmesh.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded flood of unauthenticated Allocates from several sources (20,000 requests at ~10,000/s) against the relay
 * on its shipped limits: it answers no source with more than 3x the bytes it sent, nor more answers than an
 * office's burst plus the rate, creates nothing, and a client with credentials still gets its allocation meanwhile.
 */
class UnauthenticatedFloodTest {

  /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
  TurnFixture relayOnDefaults() throws IOException {
    return TurnFixture.onDefaults(false);
  }


  @Test
  void aFloodOfUnauthenticatedAllocatesBuysNothing() throws Exception {
    try (TurnFixture turn = relayOnDefaults()) {
      int port = turn.server.udpPort();
      long started = System.nanoTime();
      List<Thread> flooders = new ArrayList<>();
      List<long[]> sentReceived = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        long[] counts = new long[2];
        sentReceived.add(counts);
        // Each flooder from an address of its own in 127/8: the relay's budgets are per source address.
        InetAddress from = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + s)});
        flooders.add(new Thread(() -> flood(from, port, 5_000, counts), "flood-" + s));
      }
      flooders.forEach(Thread::start);
      try (TestTurnClient legit = turn.udpClient()) {
        StunMessage ok = legit.allocate();
        assertEquals(MessageClass.SUCCESS_RESPONSE, ok.messageClass(),
            () -> "a client with credentials is served during the flood: " + ok);
      }
      for (Thread t : flooders) {
        t.join(30_000);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int answerBytes = 80; // a 401 is 76 bytes; room for a longer nonce
      for (long[] c : sentReceived) {
        assertTrue(c[1] <= 3 * c[0], "answered " + c[1] + " bytes to a source that sent " + c[0]);
        assertTrue(c[1] <= (1200 + 120 * seconds) * answerBytes,
            "answered " + c[1] + " bytes in " + seconds + " s: more than the burst and the rate allow");
      }
      assertEquals(1, turn.server.activeAllocations(), "only the authenticated client holds an allocation");
      assertTrue(turn.counter("greenmesh.turn.dropped.packets", "reason", "unauthenticated_budget")
          + turn.counter("greenmesh.turn.dropped.packets", "reason", "unauthenticated_rate") > 1_000,
          "the flood was counted as dropped");
    }
  }

  /**
   * Sends {@code count} 28-byte Allocates without credentials at about 2,500 a second (four flooders: 10,000 a
   * second, bounded); counts bytes both ways. Unpaced, four threads on two cores would simply starve everything,
   * the relay's legitimate clients included — a capacity question, not an abuse-handling one.
   */
  private static void flood(InetAddress from, int port, int count, long[] sentReceived) {
    byte[] allocate = StunEncoder.encode(StunMessage.request(Method.ALLOCATE, List.of(new RequestedTransport(17))));
    AtomicLong received = new AtomicLong();
    try (DatagramSocket socket = new DatagramSocket(0, from)) {
      socket.setSoTimeout(1);
      DatagramPacket out = new DatagramPacket(allocate, allocate.length, InetAddress.getLoopbackAddress(), port);
      byte[] buf = new byte[1500];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      for (int i = 0; i < count; i++) {
        socket.send(out);
        sentReceived[0] += allocate.length;
        if (i % 25 == 24) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        try {
          socket.receive(in);
          received.addAndGet(in.getLength());
        } catch (SocketTimeoutException nothing) {
          // mostly silence, as it should be
        }
      }
      long deadline = System.nanoTime() + 500_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          socket.receive(in);
          received.addAndGet(in.getLength());
        } catch (SocketTimeoutException nothing) {
          // draining late answers
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    sentReceived[1] = received.get();
  }
}
