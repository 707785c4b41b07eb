package io.greenmesh.loadtest.turn;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints N loopback ports free right now for both UDP and TCP (a TURN server binds both on its port), one per line,
 * for the bench script: {@code java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.turn.FreePorts N}.
 */
public final class FreePorts {
  private FreePorts() {}

  public static void main(String[] args) throws IOException {
    int n = args.length == 0 ? 1 : Integer.parseInt(args[0]);
    InetAddress lo = InetAddress.getLoopbackAddress();
    List<AutoCloseable> held = new ArrayList<>();
    int found = 0;
    try {
      for (int attempt = 0; attempt < 200 && found < n; attempt++) {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        held.add(udp);
        try {
          held.add(new ServerSocket(udp.getLocalPort(), 1, lo));
        } catch (IOException taken) {
          continue;
        }
        System.out.println(udp.getLocalPort());
        found++;
      }
    } finally {
      for (AutoCloseable c : held) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing a probe socket
        }
      }
    }
    if (found < n) {
      throw new IOException("found only " + found + " free ports");
    }
  }
}
