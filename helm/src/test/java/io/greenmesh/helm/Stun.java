package io.greenmesh.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/** A STUN Binding request over UDP (RFC 8489): the cheapest proof that a relay answers. */
final class Stun {
  static final int MAGIC_COOKIE = 0x2112A442;

  private Stun() {}

  /** True when a Binding success response (0x0101) with our transaction id comes back within the timeout. */
  static boolean bindingAnswered(int port, int timeoutMillis) {
    byte[] request = new byte[20];
    ByteBuffer b = ByteBuffer.wrap(request);
    b.putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC_COOKIE);
    byte[] transaction = new byte[12];
    ThreadLocalRandom.current().nextBytes(transaction);
    b.put(transaction);
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(timeoutMillis);
      socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[1500];
      DatagramPacket response = new DatagramPacket(buf, buf.length);
      socket.receive(response);
      ByteBuffer r = ByteBuffer.wrap(buf, 0, response.getLength());
      if (response.getLength() < 20 || r.getShort(0) != 0x0101 || r.getInt(4) != MAGIC_COOKIE) {
        return false;
      }
      for (int i = 0; i < 12; i++) {
        if (buf[8 + i] != transaction[i]) {
          return false;
        }
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
