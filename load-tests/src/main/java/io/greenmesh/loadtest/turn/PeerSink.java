package io.greenmesh.loadtest.turn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The peer side: one thread per UDP socket, each receiving relayed payloads, counting them per step and recording
 * the one-way latency (receive time minus the send time in the payload; sender and sink share this JVM's
 * {@code System.nanoTime()}) in microseconds. Packets of an earlier step that arrive late are counted as late, not
 * as delivered in the current step.
 */
final class PeerSink implements AutoCloseable {
  static final int MAX_STEPS = 256;
  private static final int STRIDE = 16; // one cache line per counter

  private final List<DatagramChannel> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLongArray received = new AtomicLongArray(MAX_STEPS * STRIDE);
  private final Recorder latencyMicros = new Recorder(3);
  private volatile int currentStep = -1;
  private volatile boolean closed;

  PeerSink(List<InetSocketAddress> bindTo, int receiveBuffer) throws IOException {
    for (InetSocketAddress a : bindTo) {
      DatagramChannel c = DatagramChannel.open();
      c.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
      c.bind(a);
      sockets.add(c);
    }
  }

  List<InetSocketAddress> addresses() throws IOException {
    List<InetSocketAddress> out = new ArrayList<>();
    for (DatagramChannel c : sockets) {
      out.add((InetSocketAddress) c.getLocalAddress());
    }
    return out;
  }

  void start() {
    for (int i = 0; i < sockets.size(); i++) {
      DatagramChannel c = sockets.get(i);
      Thread t = new Thread(() -> receive(c), "peer-sink-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** From now on packets of {@code step} count and are timed; the histogram starts empty. */
  void beginStep(int step) {
    currentStep = step;
    latencyMicros.getIntervalHistogram();
  }

  long received(int step) {
    return received.get((step % MAX_STEPS) * STRIDE);
  }

  /** The latencies recorded since {@link #beginStep}. */
  Histogram latency() {
    return latencyMicros.getIntervalHistogram();
  }

  /**
   * Datagrams the kernel dropped on the sink sockets because their receive buffers were full (the last column of
   * /proc/net/udp): loss that is the measuring side's, not the server's. -1 when unreadable.
   */
  long kernelDrops() {
    try {
      List<String> ports = new ArrayList<>();
      for (InetSocketAddress a : addresses()) {
        ports.add(String.format(":%04X", a.getPort()));
      }
      long drops = 0;
      for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 12 && ports.stream().anyMatch(f[1]::endsWith)) {
          drops += Long.parseLong(f[f.length - 1]);
        }
      }
      return drops;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void receive(DatagramChannel c) {
    ByteBuffer buf = ByteBuffer.allocateDirect(65_536);
    try {
      while (!closed) {
        buf.clear();
        c.receive(buf);
        long now = System.nanoTime();
        int length = buf.position();
        if (!DtlsPayload.isOurs(buf, 0, length)) {
          continue;
        }
        int step = DtlsPayload.step(buf, 0);
        if (step < 0) {
          continue;
        }
        received.incrementAndGet((step % MAX_STEPS) * STRIDE);
        if (step == currentStep) {
          latencyMicros.recordValue(Math.max(0, (now - DtlsPayload.sendTime(buf, 0)) / 1000));
        }
      }
    } catch (ClosedChannelException e) {
      // closed
    } catch (IOException e) {
      if (!closed) {
        System.err.println("peer sink: " + e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    for (DatagramChannel c : sockets) {
      c.close();
    }
  }
}
