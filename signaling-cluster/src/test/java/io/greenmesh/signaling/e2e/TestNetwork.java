package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of the test's own, where the browsers run, so that WebRTC can send only to loopback or to
 * this test's own addresses (never to the machine's interfaces such as eth0's).
 *
 * <p>The namespace {@code gm-e2e-<pid>-<n>} has {@code lo} and one end of a veth pair; the other end stays in the
 * root namespace, where the in-process node (and coturn) listen on it. Both ends get an address of a /30 of the
 * benchmarking range 198.18.0.0/15 (root end {@code .1}, namespace end {@code .2}), IPv6 is off on both ends (no
 * router solicitations, link-local or multicast), and the namespace has no other route: a browser inside can reach
 * its own loopback, its own veth address and the root end, and nothing else. Chromium therefore gathers host
 * candidates on 127.0.0.1/::1 and the namespace address only, and media between two browsers stays inside.
 *
 * <p>Needs root and {@code ip netns}; without them the test is skipped, or fails when {@code CI} is set.
 * {@link #close()} (and a shutdown hook, for a JVM that dies first) deletes the namespace and both veth ends.
 */
public final class TestNetwork implements AutoCloseable {

  static final Path IP = Path.of("/usr/sbin/ip");
  static final Path IPTABLES = Path.of("/usr/sbin/iptables");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  /** 198.18.0.0/15 as an int, and its number of /30 blocks. */
  private static final int BENCHMARKING_BASE = (198 << 24) | (18 << 16);
  private static final int BLOCKS = 1 << 15;

  private final String namespace;
  private final String hostLink;
  private final String namespaceLink;
  private final int block;
  private final Path workDir;
  private final Path chromium;
  private final Thread shutdownHook;
  private InetAddress secondHostAddress;
  private final boolean defaultRoute;
  private boolean closed;

  private TestNetwork(String namespace, String hostLink, String namespaceLink, int block, Path workDir,
      boolean defaultRoute) {
    this.defaultRoute = defaultRoute;
    this.namespace = namespace;
    this.hostLink = hostLink;
    this.namespaceLink = namespaceLink;
    this.block = block;
    this.workDir = workDir;
    this.chromium = workDir.resolve("chromium-in-" + namespace);
    this.shutdownHook = new Thread(this::removeQuietly, "remove " + namespace);
  }

  /**
   * Creates the namespace and its veth pair. Skips the calling test when that is impossible here (not root, no
   * {@code ip netns}), except under CI ({@code CI} set), where it fails.
   */
  public static TestNetwork create() {
    return create(false);
  }

  /**
   * As {@link #create()}, and the namespace also has a default route through the root end, as a user's host has
   * (with a rule that drops, inside the namespace, everything not for 198.18.0.0/15: nothing can leave). Without
   * one libwebrtc finds no default local address; the relayed-call tests, which look at which relay transport a
   * call lands on, passed 1 run in 5 without it and 7 in 8 with it (docs/turn-relay.md). Every test that looks at
   * the relay transport uses it.
   */
  public static TestNetwork createWithDefaultRoute() {
    return create(true);
  }

  private static TestNetwork create(boolean defaultRoute) {
    long pid = ProcessHandle.current().pid();
    int sequence = SEQUENCE.incrementAndGet();
    String namespace = "gm-e2e-" + pid + "-" + sequence;
    // Interface names have at most 15 characters: "gm" + pid and sequence in base 36 + side.
    String id = Long.toString(pid, 36) + "x" + Integer.toString(sequence, 36);
    String hostLink = "gm" + id + "h";
    String namespaceLink = "gm" + id + "n";
    requireUsable();
    Path workDir;
    try {
      workDir = Files.createTempDirectory("greenmesh-netns-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int block = freeBlock((int) (pid * 61 + sequence * 7L));
    TestNetwork network = new TestNetwork(namespace, hostLink, namespaceLink, block, workDir, defaultRoute);
    Runtime.getRuntime().addShutdownHook(network.shutdownHook);
    try {
      String netnsAdd = run(List.of(IP.toString(), "netns", "add", namespace));
      if (netnsAdd != null) {
        unusable("`ip netns add " + namespace + "` failed: " + netnsAdd);
      }
      network.setUp();
      network.writeChromiumWrapper();
    } catch (RuntimeException | Error e) {
      network.close();
      throw e;
    }
    return network;
  }

  private void setUp() {
    String host = hostAddress().getHostAddress();
    String inside = namespaceAddress().getHostAddress();
    String ip = IP.toString();
    must(List.of(ip, "link", "add", hostLink, "type", "veth", "peer", "name", namespaceLink, "netns", namespace));
    // IPv6 off before the links come up: no link-local addresses, router solicitations or MLD reports.
    must(List.of("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + hostLink + "/disable_ipv6"));
    must(List.of(ip, "netns", "exec", namespace, "sh", "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/" + namespaceLink + "/disable_ipv6"));
    must(List.of(ip, "addr", "add", host + "/30", "dev", hostLink));
    must(List.of(ip, "link", "set", hostLink, "up"));
    must(List.of(ip, "-n", namespace, "addr", "add", inside + "/30", "dev", namespaceLink));
    must(List.of(ip, "-n", namespace, "link", "set", "lo", "up"));
    must(List.of(ip, "-n", namespace, "link", "set", namespaceLink, "up"));
    if (defaultRoute) {
      // See createWithDefaultRoute: the firewall rule first, so that nothing a browser sends can leave the range.
      if (!Files.isExecutable(IPTABLES)) {
        unusable(IPTABLES + " is missing (Debian: apt-get install -y iptables)");
      }
      must(List.of(ip, "netns", "exec", namespace, IPTABLES.toString(), "-w", "-A", "OUTPUT", "-o", namespaceLink,
          "!", "-d", "198.18.0.0/15", "-j", "DROP"));
      must(List.of(ip, "-n", namespace, "route", "add", "default", "via", host, "dev", namespaceLink));
    }
    // The namespace has lo and its veth end, and routes loopback, its /30 and (if asked) a default via the root end.
    String links = output(List.of(ip, "-n", namespace, "-o", "link", "show")).strip();
    assertTrue(links.lines().allMatch(l -> l.matches("\\d+: (lo|" + namespaceLink + "@\\S+): .*")),
        () -> "unexpected interface in " + namespace + ": " + links);
    String routes = output(List.of(ip, "-n", namespace, "-4", "route", "show")).strip();
    assertTrue(routes.lines().allMatch(r -> r.startsWith(subnet() + " ") || r.startsWith("default via " + host + " ")),
        () -> "unexpected IPv4 route in " + namespace + ": " + routes);
    String routes6 = output(List.of(ip, "-n", namespace, "-6", "route", "show")).strip();
    assertTrue(routes6.lines().allMatch(r -> r.contains(" dev lo ")),
        () -> "unexpected IPv6 route in " + namespace + ": " + routes6);
  }

  /** {@code chromium} started inside the namespace: the binary to give chromedriver. */
  private void writeChromiumWrapper() {
    try {
      Files.writeString(chromium, "#!/bin/sh\nexec " + IP + " netns exec " + namespace + " "
          + HeadlessChromium.CHROMIUM + " \"$@\"\n", StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(chromium, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The namespace's name ({@code ip netns exec <name> ...}). */
  public String namespace() {
    return namespace;
  }

  /** The root end of the veth pair: where the node and the TURN servers listen for the browsers. */
  public InetAddress hostAddress() {
    return address(BENCHMARKING_BASE + block * 4 + 1);
  }

  /** The namespace end of the veth pair: the browsers' only non-loopback address. */
  public InetAddress namespaceAddress() {
    return address(BENCHMARKING_BASE + block * 4 + 2);
  }

  /**
   * Gives the root end a second address (a /32 of another free block of the range) and the namespace a route to it,
   * so the root namespace has two addresses a browser can reach, as a user's host does (a LAN address beside another,
   * a floating IP). Answers to the namespace still leave from {@link #hostAddress()}, the source address the kernel
   * picks for the route back, unless a server answers from the address a request reached.
   */
  public synchronized InetAddress addSecondHostAddress() {
    if (secondHostAddress == null) {
      InetAddress second = address(BENCHMARKING_BASE + freeBlock(block + 1) * 4 + 1);
      String literal = second.getHostAddress();
      must(List.of(IP.toString(), "addr", "add", literal + "/32", "dev", hostLink));
      must(List.of(IP.toString(), "-n", namespace, "route", "add", literal + "/32", "dev", namespaceLink));
      secondHostAddress = second;
    }
    return secondHostAddress;
  }

  /**
   * Drops, inside the namespace only, every UDP packet a browser sends to {@code address:port}: a network where
   * UDP to the TURN server is blocked (corporate firewalls), so clients must fall back to TURN over TCP. The rule
   * goes with the namespace.
   */
  public void blockUdpFromInside(InetAddress address, int port) {
    if (!Files.isExecutable(IPTABLES)) {
      unusable(IPTABLES + " is missing (Debian: apt-get install -y iptables)");
    }
    must(List.of(IP.toString(), "netns", "exec", namespace, IPTABLES.toString(), "-w", "-A", "OUTPUT", "-p", "udp",
        "-d", address.getHostAddress(), "--dport", Integer.toString(port), "-j", "DROP"));
  }

  /** The /30 of both ends, e.g. {@code 198.18.3.0/30}. */
  public String subnet() {
    return address(BENCHMARKING_BASE + block * 4).getHostAddress() + "/30";
  }

  /** A script that runs Chromium in the namespace with the arguments it is given. */
  Path chromiumBinary() {
    return chromium;
  }

  /** Node settings that make the node reachable from the namespace: HTTP and the ICE public host on the root end. */
  public Map<String, Object> nodeSettings() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("greenmesh.http.host", hostAddress().getHostAddress());
    settings.put("greenmesh.ice.public-host", hostAddress().getHostAddress());
    return settings;
  }

  /** The base URL of {@code port} on the root end, as a browser in the namespace opens it. */
  public String url(int port) {
    return "http://" + hostAddress().getHostAddress() + ":" + port;
  }

  /** Loopback, or an address of this network (either end of the veth pair). */
  public boolean isConfined(InetAddress address) {
    if (address.isLoopbackAddress() || address.equals(secondHostAddress)) {
      return true;
    }
    byte[] b = address.getAddress();
    if (b.length != 4) {
      return false;
    }
    int value = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    return (value & ~3) == BENCHMARKING_BASE + block * 4;
  }

  /**
   * Fails unless {@code addressAndPort} ("a.b.c.d:port" or "[v6]:port" / "v6:port", as WebRTC stats give it) is an
   * IP literal that is loopback or of this network. Names (mDNS) fail too: they are never resolved here.
   */
  public void assertConfined(String addressAndPort, Object context) {
    assertTrue(addressAndPort != null && addressAndPort.lastIndexOf(':') > 0,
        () -> "no address in " + context);
    String host = addressAndPort.substring(0, addressAndPort.lastIndexOf(':'));
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String literal = host;
    assertTrue(literal.matches("[0-9a-fA-F:.]+"), () -> literal + " is not an IP address: " + context);
    InetAddress address;
    try {
      address = InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new AssertionError("address " + literal + " of " + context, e);
    }
    assertTrue(isConfined(address), () -> literal + " is neither loopback nor in this test's network "
        + subnet() + ": " + context);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      removeQuietly();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** Deletes the namespace (which takes its veth end, and so the pair, along) and the root end if still there. */
  private void removeQuietly() {
    run(List.of(IP.toString(), "netns", "delete", namespace));
    if (run(List.of(IP.toString(), "link", "show", hostLink)) == null) {
      run(List.of(IP.toString(), "link", "delete", hostLink));
    }
    try {
      HeadlessChromium.deleteTree(workDir);
    } catch (UncheckedIOException e) {
      // a temporary script left behind; the namespace is gone
    }
  }

  private static void requireUsable() {
    if (!Files.isExecutable(IP)) {
      unusable(IP + " is missing (Debian: apt-get install -y iproute2)");
    }
    String netns = run(List.of(IP.toString(), "netns", "list"));
    if (netns != null) {
      unusable("`ip netns` does not work here: " + netns);
    }
    String uid = output(List.of("id", "-u")).strip();
    if (!uid.equals("0")) {
      unusable("creating a network namespace needs root (uid " + uid + ")");
    }
  }

  private static void unusable(String why) {
    String message = "the browser tests run Chromium in a network namespace of their own so that WebRTC sends only"
        + " to loopback and the test's addresses; " + why;
    if (System.getenv("CI") != null) {
      fail("CI is set but " + message);
    }
    assumeTrue(false, "skipping the browser test: " + message);
  }

  /** A /30 of 198.18.0.0/15 that no interface of the root namespace uses yet, starting at {@code start}. */
  private static int freeBlock(int start) {
    String inUse = output(List.of(IP.toString(), "-4", "-o", "addr", "show"));
    for (int i = 0; i < BLOCKS; i++) {
      int candidate = Math.floorMod(start + i, BLOCKS);
      String base = address(BENCHMARKING_BASE + candidate * 4).getHostAddress();
      String prefix = base.substring(0, base.lastIndexOf('.') + 1);
      int last = Integer.parseInt(base.substring(base.lastIndexOf('.') + 1));
      boolean used = false;
      for (int k = 0; k < 4 && !used; k++) {
        used = inUse.contains(" " + prefix + (last + k) + "/");
      }
      if (!used) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free /30 in 198.18.0.0/15");
  }

  private static InetAddress address(int value) {
    try {
      return InetAddress.getByAddress(new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void must(List<String> command) {
    String failure = run(command);
    if (failure != null) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
    }
  }

  private static String output(List<String> command) {
    StringBuilder out = new StringBuilder();
    String failure = run(command, out);
    if (failure != null) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + failure);
    }
    return out.toString();
  }

  /** Runs {@code command} (bounded to 20 s); null when it exited 0, else its exit status and output. */
  private static String run(List<String> command) {
    return run(command, new StringBuilder());
  }

  private static String run(List<String> command, StringBuilder output) {
    Path log = null;
    try {
      log = Files.createTempFile("greenmesh-netns-", ".log");
      Process process = new ProcessBuilder(new ArrayList<>(command))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out";
      }
      output.append(Files.readString(log, StandardCharsets.UTF_8));
      return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output.toString().strip();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } finally {
      if (log != null) {
        log.toFile().delete();
      }
    }
  }
}
