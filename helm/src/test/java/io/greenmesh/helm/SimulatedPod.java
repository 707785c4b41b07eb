package io.greenmesh.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pod of a rendered workload, run the way a kubelet runs it: the container's image becomes the jar the reactor
 * built with the image's ENV and ENTRYPOINT (read from its Dockerfile), the container's env is resolved in order
 * (values, {@code $(VAR)} references, downward-API fields, Secret and ConfigMap keys of the release), the service
 * account token, CA and namespace are mounted at the path every pod has them, emptyDir volumes are fresh tmpfs, the
 * user is the securityContext's, and the process runs in the pod's own network namespace. The startup, readiness and
 * liveness probes run as written (named ports resolved), a container that exits is restarted, and {@link #terminate}
 * stops it as the kubelet does: preStop, SIGTERM, then SIGKILL when terminationGracePeriodSeconds is over.
 */
final class SimulatedPod {
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  final String name;
  final String namespace;
  final String owner;
  final PodTemplateSpec template;
  final PodNetwork.Sandbox sandbox;
  final Instant created = Instant.now();
  private final Container container;
  private final RenderedRelease release;
  private final Environment environment;
  private final Path work;
  private volatile Process process;
  private volatile boolean started;
  private volatile boolean ready;
  private volatile Instant readySince;
  private volatile Instant deletionTimestamp;
  private volatile boolean gone;
  private volatile int restarts;
  private final List<ScheduledFuture<?>> probes = new ArrayList<>();

  /** What the simulation provides around the pods: the node, the API server, where the images' jars are. */
  record Environment(PodNetwork network, KubeApiStandIn api, ScheduledExecutorService scheduler, Path work,
                     Map<String, String> clusterEnv, String clusterDomain) {}

  SimulatedPod(String name, String owner, PodTemplateSpec template, RenderedRelease release, Environment env,
      String namespace) {
    this.name = name;
    this.owner = owner;
    this.namespace = namespace;
    this.template = template;
    this.release = release;
    this.environment = env;
    if (template.getSpec().getContainers().size() != 1) {
      throw new AssertionError(name + ": the simulation runs one container per pod");
    }
    this.container = template.getSpec().getContainers().get(0);
    this.work = env.work().resolve(name);
    this.sandbox = Boolean.TRUE.equals(template.getSpec().getHostNetwork())
        ? new PodNetwork.Sandbox(env.network().nodeNamespace(), env.network().nodeAddress())
        : env.network().addPod();
    env.network().writePodDns(sandbox.netns(), namespace, env.clusterDomain());
  }

  boolean hostNetwork() {
    return Boolean.TRUE.equals(template.getSpec().getHostNetwork());
  }

  String ip() {
    return sandbox.address();
  }

  boolean ready() {
    return ready && deletionTimestamp == null && !gone;
  }

  Instant readySince() {
    return readySince;
  }

  boolean terminating() {
    return deletionTimestamp != null;
  }

  boolean gone() {
    return gone;
  }

  int restarts() {
    return restarts;
  }

  Path log() {
    return work.resolve("container.log");
  }

  String appVersion() {
    return template.getMetadata().getLabels().getOrDefault("app.kubernetes.io/version", "?");
  }

  /** A container port by name (what Services' targetPort, probes and discovery refer to). */
  int port(String portName) {
    return container.getPorts().stream().filter(p -> portName.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError(name + " has no container port named " + portName));
  }

  int port(IntOrString port) {
    return port.getIntVal() != null ? port.getIntVal() : port(port.getStrVal());
  }

  Map<String, String> env() {
    return resolveEnv();
  }

  /** The pod as the API server reports it: the rendered template plus name, IP, phase and conditions. */
  Pod asApiObject() {
    boolean running = process != null && process.isAlive();
    String ts = deletionTimestamp == null ? null : deletionTimestamp.toString();
    return new PodBuilder()
        .withNewMetadataLike(template.getMetadata()).withName(name).withNamespace(namespace)
        .withDeletionTimestamp(ts).endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus().withPhase(running || terminating() ? "Running" : "Pending").withPodIP(ip())
        .withHostIP(environment.network().nodeAddress())
        .addNewCondition().withType("Ready").withStatus(ready() ? "True" : "False").endCondition()
        .withContainerStatuses(new ContainerStatusBuilder().withName(container.getName()).withReady(ready())
            .withRestartCount(restarts).withNewState().withNewRunning().withStartedAt(created.toString())
            .endRunning().endState().build())
        .endStatus().build();
  }

  void start() {
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    launch();
    startProbes();
  }

  private synchronized void launch() {
    Image image = Image.of(container.getImage());
    Map<String, String> env = new LinkedHashMap<>(image.env());
    env.putAll(environment.clusterEnv());
    env.putAll(resolveEnv());
    // What the container runtime gives the JVM: the memory limit it sizes its heap from (cgroups here would), and the
    // version baked into the image. The JIT is held at C1: 2 shared cores run up to six of these JVMs.
    Quantity limit = container.getResources() == null || container.getResources().getLimits() == null ? null
        : container.getResources().getLimits().get("memory");
    String jvm = env.getOrDefault("JAVA_TOOL_OPTIONS", "")
        + (limit == null ? "" : " -XX:MaxRAM=" + Quantity.getAmountInBytes(limit).longValue())
        + " -XX:TieredStopAtLevel=1" + image.jvmProperties();
    env.put("JAVA_TOOL_OPTIONS", jvm.strip());
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin");

    StringBuilder script = new StringBuilder("set -e\n");
    // A pod does not see the node's /run; the kubelet mounts the service account there.
    script.append("mount -t tmpfs tmpfs /run\n");
    if (automountToken()) {
      Path sa = writeServiceAccount();
      script.append("mkdir -p /run/secrets/kubernetes.io/serviceaccount\n")
          .append("cp ").append(sa).append("/* /run/secrets/kubernetes.io/serviceaccount/\n");
    }
    for (VolumeMount m : container.getVolumeMounts()) {
      Volume v = template.getSpec().getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst()
          .orElseThrow();
      if (v.getEmptyDir() == null) {
        throw new AssertionError(name + ": the simulation mounts emptyDir volumes only, not " + v.getName());
      }
      script.append("mount -t tmpfs tmpfs ").append(quote(m.getMountPath())).append('\n');
    }
    script.append("cd ").append(quote(image.workDir())).append('\n');
    script.append("exec ");
    var sc = container.getSecurityContext();
    if (sc != null && sc.getRunAsUser() != null) {
      script.append("setpriv --reuid=").append(sc.getRunAsUser()).append(" --regid=")
          .append(sc.getRunAsGroup() == null ? sc.getRunAsUser() : sc.getRunAsGroup()).append(" --clear-groups ");
    }
    for (String arg : image.entrypoint()) {
      script.append(quote(arg)).append(' ');
    }
    try {
      ProcessBuilder pb = new ProcessBuilder("/usr/sbin/ip", "netns", "exec", sandbox.netns(), "sh", "-c",
          script.toString());
      pb.environment().clear();
      pb.environment().putAll(env);
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      Process p = pb.start();
      process = p;
      p.onExit().thenRun(() -> exited(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kubelet restarts a container that exits (restartPolicy Always), 10 s later after the first time. */
  private void exited(Process p) {
    if (deletionTimestamp != null || p != process) {
      return;
    }
    started = false;
    ready = false;
    readySince = null;
    restarts++;
    appendLog("[kubelet] container exited with " + p.exitValue() + ", restart " + restarts);
    environment.scheduler().schedule(() -> {
      if (deletionTimestamp == null) {
        launch();
      }
    }, restarts == 1 ? 0 : 10, TimeUnit.SECONDS);
  }

  private boolean automountToken() {
    Boolean podSays = template.getSpec().getAutomountServiceAccountToken();
    String saName = template.getSpec().getServiceAccountName() == null ? "default"
        : template.getSpec().getServiceAccountName();
    Boolean saSays = release.serviceAccount(saName).map(s -> s.getAutomountServiceAccountToken()).orElse(null);
    return podSays != null ? podSays : saSays == null || saSays;
  }

  private Path writeServiceAccount() {
    String saName = template.getSpec().getServiceAccountName() == null ? "default"
        : template.getSpec().getServiceAccountName();
    try {
      Path dir = Files.createDirectories(work.resolve("serviceaccount"));
      Files.writeString(dir.resolve("token"), environment.api().issueToken(namespace, saName));
      Files.writeString(dir.resolve("namespace"), namespace);
      Files.copy(environment.api().caCert(), dir.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, String> resolveEnv() {
    Map<String, String> out = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      String value;
      if (e.getValueFrom() == null) {
        Matcher m = VAR_REF.matcher(e.getValue() == null ? "" : e.getValue());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
          m.appendReplacement(sb, Matcher.quoteReplacement(out.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(sb);
        value = sb.toString();
      } else if (e.getValueFrom().getFieldRef() != null) {
        value = switch (e.getValueFrom().getFieldRef().getFieldPath()) {
          case "status.podIP" -> ip();
          case "status.hostIP" -> environment.network().nodeAddress();
          case "metadata.name" -> name;
          case "metadata.namespace" -> namespace;
          case "spec.nodeName" -> "node-1";
          case "spec.serviceAccountName" -> template.getSpec().getServiceAccountName();
          default -> throw new AssertionError(name + ": downward-API field not simulated: "
              + e.getValueFrom().getFieldRef().getFieldPath());
        };
      } else if (e.getValueFrom().getSecretKeyRef() != null) {
        var ref = e.getValueFrom().getSecretKeyRef();
        value = release.secretKey(ref.getName(), ref.getKey()).orElseThrow(() -> new AssertionError(
            name + ": env " + e.getName() + " needs Secret " + ref.getName() + " key " + ref.getKey()
                + ", which the release does not render (the pod would not start: CreateContainerConfigError)"));
      } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = e.getValueFrom().getConfigMapKeyRef();
        value = release.configMapKey(ref.getName(), ref.getKey()).orElseThrow(() -> new AssertionError(
            name + ": env " + e.getName() + " needs ConfigMap " + ref.getName() + " key " + ref.getKey()));
      } else {
        throw new AssertionError(name + ": env source not simulated: " + e);
      }
      out.put(e.getName(), value);
    }
    return out;
  }

  // ---- probes ----

  private void startProbes() {
    Probe startup = container.getStartupProbe();
    Probe readiness = container.getReadinessProbe();
    Probe liveness = container.getLivenessProbe();
    if (startup == null) {
      started = true;
    }
    if (readiness == null) {
      ready = true;
    }
    if (startup != null) {
      schedule(startup, new int[2], ok -> started = true, () -> restartContainer("startup probe failed"), () -> !started);
    }
    if (readiness != null) {
      schedule(readiness, new int[2], ok -> {
        if (!ready) {
          readySince = Instant.now();
          appendLog("[kubelet] ready");
        }
        ready = true;
      }, () -> {
        ready = false;
        readySince = null;
      }, () -> started);
    }
    if (liveness != null) {
      schedule(liveness, new int[2], ok -> { }, () -> restartContainer("liveness probe failed"), () -> started);
    }
  }

  private void schedule(Probe probe, int[] counts, java.util.function.Consumer<Boolean> onSuccess, Runnable onFailure,
      java.util.function.BooleanSupplier active) {
    long initial = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
    long period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
    int successThreshold = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
    int failureThreshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
    ScheduledFuture<?> f = environment.scheduler().scheduleWithFixedDelay(() -> {
      if (gone || !active.getAsBoolean()) {
        return;
      }
      if (check(probe)) {
        counts[1] = 0;
        if (++counts[0] >= successThreshold) {
          onSuccess.accept(true);
        }
      } else {
        counts[0] = 0;
        if (++counts[1] >= failureThreshold) {
          counts[1] = 0;
          onFailure.run();
        }
      }
    }, initial * 1000, period * 1000, TimeUnit.MILLISECONDS);
    synchronized (probes) {
      probes.add(f);
    }
  }

  private boolean check(Probe probe) {
    int timeout = probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
    if (probe.getHttpGet() != null) {
      var get = probe.getHttpGet();
      int port = port(get.getPort());
      try {
        HttpResponse<Void> r = Net.HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip() + ":" + port
            + get.getPath())).timeout(Duration.ofSeconds(timeout)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() >= 200 && r.statusCode() < 400;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (probe.getTcpSocket() != null) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(ip(), port(probe.getTcpSocket().getPort())), timeout * 1000);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    throw new AssertionError(name + ": probe kind not simulated: " + probe);
  }

  private void restartContainer(String why) {
    appendLog("[kubelet] " + why + ": killing the container");
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  // ---- termination ----

  /** How the pod ended: preStop time, SIGTERM to exit, and whether the grace period ran out (SIGKILL). */
  record Termination(String pod, long preStopMillis, long shutdownMillis, boolean killed, int exitCode,
                     long graceMillis) {}

  /**
   * Deletes the pod as the kubelet does: it is marked terminating (endpoints drop it at once), the preStop hook runs,
   * then SIGTERM; if the process is still there when terminationGracePeriodSeconds (counted from the start) is
   * over, SIGKILL.
   */
  Termination terminate() {
    long grace = template.getSpec().getTerminationGracePeriodSeconds() == null ? 30_000
        : template.getSpec().getTerminationGracePeriodSeconds() * 1000;
    long start = System.nanoTime();
    deletionTimestamp = Instant.now();
    appendLog("[kubelet] terminating, grace " + grace + " ms");
    var preStop = container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
    if (preStop != null && preStop.getExec() != null) {
      List<String> cmd = new ArrayList<>(List.of("/usr/sbin/ip", "netns", "exec", sandbox.netns()));
      cmd.addAll(preStop.getExec().getCommand());
      try {
        Process hook = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        if (!hook.waitFor(grace, TimeUnit.MILLISECONDS)) {
          hook.destroyForcibly();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (preStop != null) {
      throw new AssertionError(name + ": preStop kind not simulated: " + preStop);
    }
    long preStopMillis = (System.nanoTime() - start) / 1_000_000;
    Process p = process;
    long termAt = System.nanoTime();
    boolean killed = false;
    int exit = -1;
    try {
      p.destroy();
      long left = Math.max(2000, grace - preStopMillis);
      if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
        killed = true;
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      exit = p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long shutdownMillis = (System.nanoTime() - termAt) / 1_000_000;
    gone = true;
    cancelProbes();
    appendLog("[kubelet] " + (killed ? "SIGKILL after grace" : "exited " + exit) + " " + shutdownMillis + " ms after SIGTERM");
    if (!hostNetwork()) {
      environment.network().removePod(sandbox);
    }
    return new Termination(name, preStopMillis, shutdownMillis, killed, exit, grace);
  }

  /** Kills what is left without ceremony (the end of the test). */
  void kill() {
    deletionTimestamp = deletionTimestamp == null ? Instant.now() : deletionTimestamp;
    gone = true;
    cancelProbes();
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void cancelProbes() {
    synchronized (probes) {
      probes.forEach(f -> f.cancel(false));
    }
  }

  void appendLog(String line) {
    try {
      Files.writeString(log(), Instant.now() + " " + line + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // diagnostics only
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log());
      return name + " (" + ip() + "):\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return name + ": no log";
    }
  }

  /** The last {@code max} warnings and errors of this pod's log (dead letters among them), for failure messages. */
  List<String> warnings(int max) {
    try {
      List<String> hits = Files.readAllLines(log()).stream()
          .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("dead letter")).toList();
      return hits.subList(Math.max(0, hits.size() - max), hits.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * A container image of this repository, as its Dockerfile builds it: ENV, WORKDIR, ENTRYPOINT, with the path the
   * jar is copied to pointing at the jar the reactor built.
   */
  record Image(Path module, Map<String, String> env, String workDir, List<String> entrypoint, boolean signaling,
               String tag) {
    private static final Map<String, String> MODULES = Map.of("greenmesh/signaling", "signaling-cluster",
        "greenmesh/turn", "turn-relay");

    static Image of(String reference) {
      String repo = reference.replaceFirst("^[^/]+\\.[^/]+/", "").replaceFirst("[:@].*$", "");
      String module = MODULES.get(repo);
      if (module == null) {
        throw new AssertionError("no module builds the image " + reference);
      }
      Path dir = Chart.root().resolve(module);
      String dockerfile;
      try {
        dockerfile = Files.readString(dir.resolve("Dockerfile")).replace("\\\n", " ");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, String> env = new LinkedHashMap<>();
      String workDir = "/";
      List<String> entry = List.of();
      Map<String, Path> copies = new LinkedHashMap<>();
      for (String line : dockerfile.lines().map(String::strip).toList()) {
        if (line.startsWith("ENV ")) {
          Matcher m = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)").matcher(line.substring(4));
          while (m.find()) {
            env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
          }
        } else if (line.startsWith("WORKDIR ")) {
          workDir = line.substring(8).strip();
        } else if (line.startsWith("COPY ")) {
          String[] parts = line.substring(5).strip().split("\\s+");
          copies.put(parts[parts.length - 1], dir.resolve(parts[0]));
        } else if (line.startsWith("ENTRYPOINT ")) {
          entry = new ArrayList<>();
          Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(line);
          while (m.find()) {
            entry.add(m.group(1));
          }
        }
      }
      List<String> mapped = entry.stream().map(a -> copies.containsKey(a) ? copies.get(a).toString() : a).toList();
      for (String a : mapped) {
        if (a.endsWith(".jar") && !Files.isRegularFile(Path.of(a))) {
          throw new AssertionError(a + " is missing: build the reactor (mvn verify -pl helm -am)");
        }
      }
      String tag = reference.contains("@") ? "" : reference.replaceFirst("^.*:", "");
      return new Image(dir, env, workDir, mapped, module.equals("signaling-cluster"), tag);
    }

    /** The version a build of this image carries (Pekko's app-version comes from the build): its tag. */
    String jvmProperties() {
      return signaling && !tag.isEmpty() ? " -Dgreenmesh.app-version=" + tag : "";
    }
  }
}
