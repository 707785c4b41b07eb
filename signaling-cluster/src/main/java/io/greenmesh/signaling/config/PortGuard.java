package io.greenmesh.signaling.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks up front that the node's ports are free, so that a taken one stops the node with one line naming it,
 * rather than a stack trace from deep inside whichever server binds it first.
 */
public final class PortGuard {
  private PortGuard() {}

  public enum Protocol { TCP, UDP }

  public static void ensureFree(String what, String variable, String host, int port, Protocol protocol) {
    if (port == 0) {
      return;
    }
    try {
      if (protocol == Protocol.TCP) {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(true);
          s.bind(new InetSocketAddress(host, port));
        }
      } else {
        try (DatagramSocket s = new DatagramSocket(null)) {
          s.bind(new InetSocketAddress(host, port));
        }
      }
    } catch (IOException e) {
      throw new PortInUseException(what + " port " + port + " (" + variable + ") on " + host
          + " is already in use: " + e.getMessage());
    }
  }
}
