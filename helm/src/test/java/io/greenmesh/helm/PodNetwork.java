package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A Kubernetes node's network, made of network namespaces on a /24 of the benchmarking range 198.18.0.0/15: the node
 * namespace {@code gm-chart-<pid>-node} holds a bridge with the node's address ({@code .1}, what {@code status.hostIP}
 * says; host-network pods run here), every pod gets a namespace of its own with one veth on that bridge and its own
 * address ({@code .10} on), and the test JVM (the clients, the API stand-in) reaches the bridge from the root namespace
 * at {@code .254}. Nothing has a default route: pods reach each other, the node and the test, and nothing else. A pod
 * binding 0.0.0.0 binds its own address only, and every pod has the same ports, as on a cluster.
 *
 * <p>A partition drops packets between chosen pods with iptables inside their namespaces; clients and the API
 * stand-in stay reachable from both sides, as a split between nodes of a real cluster usually leaves the load
 * balancer and the API server reachable. Needs root and {@code ip netns}: skipped without, failing under CI.
 */
final class PodNetwork implements AutoCloseable {
  private static final String IP = "/usr/sbin/ip";

  private final String prefix;
  private final String id;
  private final String subnetPrefix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Path> etcDirs = new ArrayList<>();
  private int nextPod = 10;

  private PodNetwork(String prefix, String id, String subnetPrefix) {
    this.prefix = prefix;
    this.id = id;
    this.subnetPrefix = subnetPrefix;
  }

  static PodNetwork create() {
    long pid = ProcessHandle.current().pid();
    if (!Files.isExecutable(Path.of(IP)) || !"root".equals(System.getProperty("user.name"))) {
      unusable("needs root and iproute2 (ip netns)");
    }
    String used = Tools.run(Duration.ofSeconds(10), null, List.of(IP, "-o", "-4", "addr", "show")).output();
    int third = (int) (pid % 200) + 20;
    while (used.contains(" 198.19." + third + ".")) {
      third = third % 250 + 1;
    }
    PodNetwork net = new PodNetwork("gm-chart-" + pid, Long.toString(pid, 36), "198.19." + third + ".");
    Runtime.getRuntime().addShutdownHook(new Thread(net::close, "remove chart namespaces"));
    try {
      net.setUp();
    } catch (RuntimeException | Error e) {
      net.close();
      throw e;
    }
    return net;
  }

  private void setUp() {
    String node = nodeNamespace();
    netnsAdd(node);
    String root = "gc" + id + "h";
    String up = "gc" + id + "u";
    must(IP, "-n", node, "link", "add", "br0", "type", "bridge");
    disableIpv6(node, "br0");
    must(IP, "-n", node, "addr", "add", nodeAddress() + "/24", "dev", "br0");
    must(IP, "-n", node, "link", "set", "br0", "up");
    must(IP, "-n", node, "link", "set", "lo", "up");
    must(IP, "link", "add", root, "type", "veth", "peer", "name", up, "netns", node);
    must("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + root + "/disable_ipv6");
    disableIpv6(node, up);
    must(IP, "-n", node, "link", "set", up, "master", "br0", "up");
    must(IP, "addr", "add", testAddress() + "/24", "dev", root);
    must(IP, "link", "set", root, "up");
  }

  /** The node: its bridge address is {@code status.hostIP}; host-network pods run in its namespace. */
  String nodeNamespace() {
    return prefix + "-node";
  }

  String nodeAddress() {
    return subnetPrefix + "1";
  }

  /** Where the test's clients and the API stand-in are, seen from the pods. */
  String testAddress() {
    return subnetPrefix + "254";
  }

  /** A new pod sandbox: a namespace with lo and eth0 on the node's bridge. Returns its address. */
  synchronized Sandbox addPod() {
    int n = nextPod++;
    if (n > 250) {
      throw new IllegalStateException("pod addresses exhausted");
    }
    String ns = prefix + "-p" + n;
    netnsAdd(ns);
    String outside = "gc" + id + "p" + n;
    String inside = "gc" + id + "q" + n;
    must(IP, "link", "add", outside, "type", "veth", "peer", "name", inside);
    must(IP, "link", "set", outside, "netns", nodeNamespace());
    must(IP, "link", "set", inside, "netns", ns);
    must(IP, "-n", ns, "link", "set", inside, "name", "eth0");
    disableIpv6(ns, "eth0");
    disableIpv6(nodeNamespace(), outside);
    String address = subnetPrefix + n;
    must(IP, "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    must(IP, "-n", ns, "link", "set", "lo", "up");
    must(IP, "-n", ns, "link", "set", "eth0", "up");
    must(IP, "-n", nodeNamespace(), "link", "set", outside, "master", "br0", "up");
    return new Sandbox(ns, address);
  }

  /**
   * The cluster DNS stand-in for one namespace: {@code ip netns exec} mounts /etc/netns/NAME/hosts over /etc/hosts,
   * so the pod resolves {@code a-b-c-d.<namespace>.pod.<domain>} as CoreDNS's pod records would, for every address
   * of this network.
   */
  void writePodDns(String netns, String namespace, String clusterDomain) {
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
    for (int i = 1; i <= 254; i++) {
      String a = subnetPrefix + i;
      hosts.append(a).append(' ').append(a.replace('.', '-')).append('.').append(namespace).append(".pod.")
          .append(clusterDomain).append('\n');
    }
    try {
      Path dir = Files.createDirectories(Path.of("/etc/netns", netns));
      synchronized (this) {
        etcDirs.add(dir);
      }
      Files.writeString(dir.resolve("hosts"), hosts);
      Files.writeString(dir.resolve("resolv.conf"), "# no cluster DNS server: pod records come from hosts\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops every packet between the two sides, in both directions, inside each pod's namespace. */
  void partition(Collection<Sandbox> sideA, Collection<Sandbox> sideB) {
    for (Sandbox a : sideA) {
      for (Sandbox b : sideB) {
        drop(a, b.address());
        drop(b, a.address());
      }
    }
  }

  void heal(Collection<Sandbox> pods) {
    for (Sandbox p : pods) {
      must(IP, "netns", "exec", p.netns(), "iptables", "-F", "INPUT");
      must(IP, "netns", "exec", p.netns(), "iptables", "-F", "OUTPUT");
    }
  }

  private void drop(Sandbox in, String peer) {
    must(IP, "netns", "exec", in.netns(), "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
    must(IP, "netns", "exec", in.netns(), "iptables", "-A", "OUTPUT", "-d", peer, "-j", "DROP");
  }

  void removePod(Sandbox pod) {
    Tools.run(Duration.ofSeconds(10), null, List.of(IP, "netns", "del", pod.netns()));
    synchronized (this) {
      namespaces.remove(pod.netns());
    }
  }

  @Override
  public synchronized void close() {
    // Pod namespaces first (their veths go with them), the node last; the root end of its veth goes with it.
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      Tools.run(Duration.ofSeconds(10), null, List.of(IP, "netns", "del", namespaces.get(i)));
    }
    namespaces.clear();
    for (Path dir : etcDirs) {
      Tools.run(Duration.ofSeconds(10), null, List.of("rm", "-rf", dir.toString()));
    }
    etcDirs.clear();
  }

  private void netnsAdd(String ns) {
    Tools.Result r = Tools.run(Duration.ofSeconds(10), null, List.of(IP, "netns", "add", ns));
    if (r.exitCode() != 0) {
      unusable("ip netns add " + ns + ": " + r.output());
    }
    synchronized (this) {
      namespaces.add(ns);
    }
  }

  private void disableIpv6(String ns, String link) {
    must(IP, "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + link + "/disable_ipv6");
  }

  private static void must(String... command) {
    Tools.Result r = Tools.run(Duration.ofSeconds(15), null, List.of(command));
    if (r.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output());
    }
  }

  private static void unusable(String why) {
    if (Tools.inCi()) {
      fail("the chart simulation cannot run: " + why);
    }
    Assumptions.abort("the chart simulation cannot run here: " + why);
  }

  /** A pod's network: its namespace and its address ({@code status.podIP}). */
  record Sandbox(String netns, String address) {}
}
