package io.greenmesh.loadtest.turn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical ceiling: a bare UDP forwarder that does nothing a relay could skip. {@code threads} threads, each
 * with its own socket on the same port ({@code SO_REUSEPORT}, as GreenMesh's workers), read a datagram framed as
 * ChannelData, take the peer from the channel number (0x4000 + index into {@code peers}), and send the payload
 * from the same socket. No authentication, no allocation table, no checks, no metrics.
 *
 * <pre>java -cp greenmesh-loadgen.jar io.greenmesh.loadtest.turn.BareForwarder PORT THREADS PEER[,PEER...]</pre>
 * where PEER is host:port. Runs until killed; prints one line when listening.
 */
public final class BareForwarder {
  private BareForwarder() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: BareForwarder PORT THREADS PEER[,PEER...]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String p : args[2].split(",")) {
      int colon = p.lastIndexOf(':');
      peers.add(new InetSocketAddress(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
    }
    InetSocketAddress[] peerArray = peers.toArray(new InetSocketAddress[0]);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      DatagramChannel c = DatagramChannel.open();
      c.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // as GreenMesh's UDP sockets
      c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
      c.bind(new InetSocketAddress("127.0.0.1", port));
      Thread t = new Thread(() -> forward(c, peerArray), "forwarder-" + i);
      t.start();
      workers.add(t);
    }
    System.out.println("bare-forwarder: listening on 127.0.0.1:" + port + " with " + threads + " threads");
    for (Thread t : workers) {
      t.join();
    }
  }

  private static void forward(DatagramChannel c, InetSocketAddress[] peers) {
    ByteBuffer buf = ByteBuffer.allocateDirect(65_536);
    try {
      while (true) {
        buf.clear();
        c.receive(buf);
        int length = buf.position();
        if (length < 4) {
          continue;
        }
        int peer = (buf.getShort(0) & 0xFFFF) - 0x4000;
        if (peer < 0 || peer >= peers.length) {
          continue;
        }
        buf.limit(length).position(4);
        c.send(buf, peers[peer]);
      }
    } catch (IOException e) {
      System.err.println("bare-forwarder: " + e);
    }
  }
}
