package io.greenmesh.helm;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controllers around the pods, as far as a release of this chart needs them: the Deployment controller (create,
 * scale, and roll by the rendered strategy's maxSurge/maxUnavailable), the DaemonSet controller (one pod on the one
 * node), the endpoints of each Service (ready, non-terminating pods matching its selector, at its targetPort), and
 * the API stand-in's view of the pods. {@link #apply} is {@code helm install}/{@code helm upgrade}.
 */
final class SimulatedCluster implements AutoCloseable {
  final PodNetwork network;
  final KubeApiStandIn api;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
  private final Map<String, SimulatedPod> pods = new ConcurrentHashMap<>();
  private final List<SimulatedPod.Termination> terminations = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<SimulatedPod.Termination>> stopping = new CopyOnWriteArrayList<>();
  private final Path work;
  private final String namespace;
  private volatile RenderedRelease release;
  private final AtomicInteger roundRobin = new AtomicInteger();

  SimulatedCluster(RenderedRelease first, String namespace, Path work) {
    this.namespace = namespace;
    this.work = work;
    this.release = first;
    this.network = PodNetwork.create();
    this.api = KubeApiStandIn.start(network.testAddress(), work.resolve("apiserver"), first.roles(),
        first.roleBindings(), this::apiPods);
  }

  private SimulatedPod.Environment environment() {
    // Every pod gets the kubernetes Service's address in its environment, as the kubelet sets it.
    return new SimulatedPod.Environment(network, api, scheduler, work,
        Map.of("KUBERNETES_SERVICE_HOST", network.testAddress(), "KUBERNETES_SERVICE_PORT", String.valueOf(api.port()),
            "KUBERNETES_SERVICE_PORT_HTTPS", String.valueOf(api.port())),
        "cluster.local");
  }

  RenderedRelease release() {
    return release;
  }

  List<Pod> apiPods() {
    return pods.values().stream().filter(p -> !p.gone()).map(SimulatedPod::asApiObject).toList();
  }

  /** Live pods of a workload, oldest first. */
  List<SimulatedPod> pods(String owner) {
    return pods.values().stream().filter(p -> p.owner.equals(owner) && !p.gone())
        .sorted(Comparator.comparing((SimulatedPod p) -> p.created)).toList();
  }

  List<SimulatedPod> allPods() {
    return pods.values().stream().filter(p -> !p.gone()).toList();
  }

  /** Every pod's, the stopped ones' too, last warnings and errors: what to read when a scenario fails. */
  String warnings(int perPod) {
    StringBuilder out = new StringBuilder();
    for (SimulatedPod p : pods.values()) {
      List<String> w = p.warnings(perPod);
      if (!w.isEmpty()) {
        out.append("\n  ").append(p.name).append(p.gone() ? " (gone)" : "").append(":\n    ")
            .append(String.join("\n    ", w));
      }
    }
    return out.toString();
  }

  List<SimulatedPod.Termination> terminations() {
    return List.copyOf(terminations);
  }

  /** {@code helm install} / {@code helm upgrade}: applies the workloads of the release; returns when rolled out. */
  void apply(RenderedRelease next, Duration timeout) {
    this.release = next;
    long deadline = System.nanoTime() + timeout.toNanos();
    for (DaemonSet d : next.daemonSets()) {
      String owner = d.getMetadata().getName();
      if (pods(owner).isEmpty()) {
        create(owner, d.getSpec().getTemplate());
      }
    }
    for (Deployment d : next.deployments()) {
      reconcile(d, deadline);
    }
    // The release's Secrets now exist in the cluster: the next render's `lookup` finds them, as `helm upgrade`
    // does, so generated secrets (the session-token secret every node shares) survive upgrades.
    for (io.fabric8.kubernetes.api.model.Secret s : next.all(io.fabric8.kubernetes.api.model.Secret.class)) {
      try {
        FakeKubeApi.start().putSecret(s.getMetadata().getNamespace(), s.getMetadata().getName(),
            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private void reconcile(Deployment d, long deadline) {
    String owner = d.getMetadata().getName();
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    PodTemplateSpec template = d.getSpec().getTemplate();
    String hash = hash(template);
    RollingUpdateDeployment strategy = d.getSpec().getStrategy().getRollingUpdate();
    int surge = resolve(strategy == null ? null : strategy.getMaxSurge(), replicas, true, 1);
    int unavailable = resolve(strategy == null ? null : strategy.getMaxUnavailable(), replicas, false, 0);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    while (true) {
      List<SimulatedPod> current = pods(owner).stream().filter(p -> !p.terminating()).toList();
      List<SimulatedPod> fresh = current.stream().filter(p -> hash(p.template).equals(hash)).toList();
      List<SimulatedPod> old = current.stream().filter(p -> !hash(p.template).equals(hash)).toList();
      if (old.isEmpty() && fresh.size() == replicas && fresh.stream().allMatch(SimulatedPod::ready)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(owner + " not rolled out in time: " + describe(owner));
      }
      if (old.isEmpty()) {
        // Scaling: up creates at once, down deletes the newest first, all at once (ReplicaSet).
        for (int i = fresh.size(); i < replicas; i++) {
          create(owner, template);
        }
        List<SimulatedPod> newestFirst = new ArrayList<>(fresh);
        newestFirst.sort(Comparator.comparing((SimulatedPod p) -> p.created).reversed());
        for (int i = 0; i < fresh.size() - replicas; i++) {
          stop(newestFirst.get(i));
        }
      } else {
        // Rolling update: never more than replicas + maxSurge pods, never fewer than replicas - maxUnavailable ready.
        int total = current.size();
        for (int i = fresh.size(); i < replicas && total < replicas + surge; i++, total++) {
          create(owner, template);
        }
        long available = current.stream().filter(SimulatedPod::ready).count();
        long canRemove = available - (replicas - unavailable);
        List<SimulatedPod> candidates = new ArrayList<>(old);
        candidates.sort(Comparator.comparing(SimulatedPod::ready).thenComparing(p -> p.created));
        for (SimulatedPod p : candidates) {
          if (canRemove <= 0 && p.ready()) {
            break;
          }
          if (p.ready()) {
            canRemove--;
          }
          stop(p);
        }
      }
      sleep(200);
    }
  }

  /** The kubelet stops the pod in the background; the controller does not wait for it, as in Kubernetes. */
  CompletableFuture<SimulatedPod.Termination> stop(SimulatedPod p) {
    CompletableFuture<SimulatedPod.Termination> f = CompletableFuture.supplyAsync(() -> {
      SimulatedPod.Termination t = p.terminate();
      terminations.add(t);
      return t;
    });
    stopping.add(f);
    sleep(50);
    return f;
  }

  /** Waits for every termination started so far. */
  void awaitTerminations(Duration timeout) {
    CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
  }

  private SimulatedPod create(String owner, PodTemplateSpec template) {
    String podName = owner + "-" + hash(template) + "-" + randomSuffix();
    if (Boolean.TRUE.equals(template.getSpec().getHostNetwork())) {
      podName = owner + "-" + randomSuffix();
    }
    SimulatedPod p = new SimulatedPod(podName, owner, template, release, environment(), namespace);
    pods.put(podName, p);
    p.start();
    return p;
  }

  /** Ready, non-terminating pods behind a Service, at its port's targetPort: where kube-proxy would send a client. */
  List<InetSocketAddress> endpoints(String serviceSuffix, String portName) {
    Service s = release.one(Service.class, serviceSuffix);
    ServicePort sp = s.getSpec().getPorts().stream().filter(p -> portName.equals(p.getName())).findFirst().orElseThrow();
    String selector = RenderedRelease.selector(s.getSpec().getSelector());
    return pods.values().stream().filter(SimulatedPod::ready)
        .filter(p -> KubeApiStandIn.matches(selector, p.template.getMetadata().getLabels()))
        .map(p -> new InetSocketAddress(p.ip(), p.port(sp.getTargetPort()))).toList();
  }

  /** One endpoint, round robin (kube-proxy picks at random; round robin spreads a small load more evenly). */
  InetSocketAddress pick(String serviceSuffix, String portName) {
    List<InetSocketAddress> eps = endpoints(serviceSuffix, portName);
    if (eps.isEmpty()) {
      return null;
    }
    return eps.get(Math.floorMod(roundRobin.getAndIncrement(), eps.size()));
  }

  String describe(String owner) {
    StringBuilder sb = new StringBuilder();
    for (SimulatedPod p : pods(owner)) {
      sb.append("\n  ").append(p.name).append(' ').append(p.ip()).append(p.ready() ? " ready" : " not ready")
          .append(p.terminating() ? " terminating" : "").append(" v").append(p.appVersion())
          .append(" restarts=").append(p.restarts());
    }
    for (SimulatedPod p : pods(owner)) {
      if (!p.ready()) {
        sb.append("\n").append(p.tail(25));
      }
    }
    return sb.toString();
  }

  static String hash(PodTemplateSpec template) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(Chart.YAML.writeValueAsBytes(template));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int resolve(IntOrString v, int replicas, boolean roundUp, int dflt) {
    if (v == null) {
      return dflt;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    double pct = Double.parseDouble(v.getStrVal().replace("%", "")) * replicas / 100.0;
    return (int) (roundUp ? Math.ceil(pct) : Math.floor(pct));
  }

  private static String randomSuffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (SimulatedPod p : pods.values()) {
      kills.add(CompletableFuture.runAsync(p::kill));
    }
    CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new)).join();
    scheduler.shutdownNow();
    FakeKubeApi.start().clear();
    api.close();
    network.close();
  }
}
