package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Prints N loopback TCP ports that are free right now, one per line, for the bench scripts (and GatlingSmokeIT). */
public final class FreePorts {
  private FreePorts() {}

  public static void main(String[] args) throws IOException {
    for (int port : pick(args.length == 0 ? 1 : Integer.parseInt(args[0]))) {
      System.out.println(port);
    }
  }

  /** {@code n} distinct loopback ports that were free a moment ago (all held open together while picked). */
  public static List<Integer> pick(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports.add(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }
}
