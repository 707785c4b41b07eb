package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * coturn (Debian's {@code turnserver}), a reference TURN server for the relayed-call tests: it listens and relays on
 * one address the test chooses (the root end of a {@link TestNetwork}), accepts TURN REST API credentials signed
 * with {@code secret}, refuses loopback peers, and is stopped by its own process id.
 */
final class Coturn implements AutoCloseable {

  static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

  private final Process process;
  private final Path workDir;
  private final InetAddress address;
  private final int port;

  private Coturn(Process process, Path workDir, InetAddress address, int port) {
    this.process = process;
    this.workDir = workDir;
    this.address = address;
    this.port = port;
  }

  /** Skips the calling test without coturn, except under CI, whose machine installs it (scripts/install-test-deps.sh). */
  static void requireInstalled() {
    boolean installed = Files.isExecutable(TURNSERVER);
    String message = "needs " + TURNSERVER + " (Debian: apt-get install -y coturn)";
    if (System.getenv("CI") != null && !installed) {
      fail("CI is set but coturn is missing: " + message);
    }
    assumeTrue(installed, "skipping the coturn test: it " + message);
  }

  /** coturn listening and relaying on {@code address} only. */
  static Coturn start(String secret, InetAddress address) throws IOException, InterruptedException {
    Path workDir = Files.createTempDirectory("greenmesh-coturn-");
    int port = freeUdpAndTcpPort(address);
    String ip = address.getHostAddress();
    List<String> command = List.of(TURNSERVER.toString(), "-n",
        "--listening-ip=" + ip, "--relay-ip=" + ip, "--listening-port=" + port,
        "--min-port=" + (port + 1), "--max-port=" + (port + 200),
        "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=greenmesh.test",
        "--no-cli", "--no-tls", "--no-dtls", "--no-rfc5780", "--no-multicast-peers",
        "--userdb=" + workDir.resolve("turndb"), "--pidfile=" + workDir.resolve("turnserver.pid"),
        "--log-file=" + workDir.resolve("turnserver.log"), "--simple-log", "--no-stdout-log");
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("stdout.log").toFile())
        .start();
    Coturn coturn = new Coturn(process, workDir, address, port);
    try {
      coturn.awaitListening();
    } catch (IOException | RuntimeException | InterruptedException e) {
      coturn.close();
      throw e;
    }
    return coturn;
  }

  /** {@code turn:} URL (UDP) to put in the node's {@code greenmesh.ice.turn-urls}. */
  String udpUrl() {
    return "turn:" + address.getHostAddress() + ":" + port + "?transport=udp";
  }

  /** {@code turn:} URL over TCP, the same port. */
  String tcpUrl() {
    return "turn:" + address.getHostAddress() + ":" + port + "?transport=tcp";
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("turnserver exited with " + process.exitValue() + ": " + log());
      }
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.connect(new InetSocketAddress(address, port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("turnserver did not listen on " + port + " within 10 s: " + log());
  }

  String log() {
    try {
      Path log = workDir.resolve("stdout.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      HeadlessChromium.deleteTree(workDir);
    }
  }

  /** A port of {@code address} free for both TCP and UDP right now, with room for the relay range above it. */
  private static int freeUdpAndTcpPort(InetAddress address) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, address)) {
        int port = tcp.getLocalPort();
        if (port > 65_000) {
          continue;
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port on " + address + " for turnserver");
  }
}
