package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * helm lint --strict and helm template for the defaults and each value set in helm/greenmesh/ci; every
 * rendered manifest parsed strictly into the Kubernetes models; then what each shape must contain.
 */
class ChartRenderTest {

  static Stream<String> valueSets() {
    return Stream.concat(Stream.of("defaults"), listValueFiles().stream());
  }

  @ParameterizedTest(name = "helm lint --strict: {0}")
  @MethodSource("valueSets")
  void lintsStrictly(String set) {
    LintResult lint = Chart.lintStrict(values(set));
    List<String> problems = lint.getMessages().stream()
        .filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).toList();
    assertFalse(lint.isFailed(), () -> set + ": " + lint.getMessages());
    assertTrue(problems.isEmpty(), () -> set + ": " + problems);
  }

  @ParameterizedTest(name = "helm template, strict Kubernetes models: {0}")
  @MethodSource("valueSets")
  void rendersManifestsTheKubernetesSchemaAccepts(String set) {
    Rendered r = render(set);
    assertTrue(r.models.size() >= 8, () -> set + ": only " + r.models.size() + " manifests");
    Set<String> ids = r.models.stream().map(m -> m.getKind() + "/" + m.getMetadata().getName())
        .collect(Collectors.toSet());
    assertEquals(r.models.size(), ids.size(), () -> set + ": two manifests share kind and name");
    // Every Secret a pod reads is rendered here or is the operator's existingSecret.
    Set<String> secrets = r.all(Secret.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
    for (PodSpec pod : r.podSpecs()) {
      for (Container c : pod.getContainers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
            String name = e.getValueFrom().getSecretKeyRef().getName();
            assertTrue(secrets.contains(name) || name.equals("greenmesh-credentials"), () -> set + ": " + name);
          }
        }
      }
    }
  }

  @Test
  void signalingFormsAClusterByKubernetesApiDiscovery() {
    Rendered r = render("defaults");
    Deployment d = r.one(Deployment.class, "gm-greenmesh-signaling");
    assertEquals(3, d.getSpec().getReplicas());
    assertEquals(0, d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, EnvVar> env = env(c);
    assertEquals("kubernetes-api", env.get("GREENMESH_CLUSTER_DISCOVERY").getValue());
    assertEquals("3", requiredContactPoints(r, env));
    assertEquals("status.podIP", env.get("GREENMESH_CLUSTER_HOST").getValueFrom().getFieldRef().getFieldPath());
    String selector = env.get("GREENMESH_KUBERNETES_POD_LABEL_SELECTOR").getValue();
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=");
      assertEquals(kv[1], podLabels.get(kv[0]), "discovery selector matches the pods: " + term);
    }
    assertEquals(7626, c.getPorts().stream().filter(p -> p.getName().equals("management")).findFirst()
        .orElseThrow().getContainerPort());
    assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("management", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/alive", c.getLivenessProbe().getHttpGet().getPath());
    assertTrue(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()
        > Long.parseLong(c.getLifecycle().getPreStop().getExec().getCommand().get(1)) + 30,
        "grace period leaves time for shard hand-off after preStop");
    assertEquals("true", String.valueOf(c.getSecurityContext().getRunAsNonRoot()));
    assertEquals(env.get("GREENMESH_SESSION_SECRET").getValueFrom().getSecretKeyRef().getName(),
        env.get("GREENMESH_TURN_SECRET").getValueFrom().getSecretKeyRef().getName());

    Role role = r.one(Role.class, "gm-greenmesh-signaling");
    assertEquals(List.of("pods"), role.getRules().get(0).getResources());
    assertEquals(List.of("get", "list", "watch"), role.getRules().get(0).getVerbs());
    RoleBinding binding = r.one(RoleBinding.class, "gm-greenmesh-signaling");
    assertEquals(d.getSpec().getTemplate().getSpec().getServiceAccountName(), binding.getSubjects().get(0).getName());
    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, "gm-greenmesh-signaling");
    assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
    assertEquals(d.getSpec().getSelector(), pdb.getSpec().getSelector());
  }

  @Test
  void generatedSecretsAreRandomAndKeptAcrossUpgrades() {
    Secret first = render("defaults").one(Secret.class, "gm-greenmesh-secrets");
    Secret second = render("defaults").one(Secret.class, "gm-greenmesh-secrets");
    assertNotEquals(first.getData().get("turn-secret"), second.getData().get("turn-secret"));
    assertEquals(48, Base64.getDecoder().decode(first.getData().get("session-secret")).length);
    FakeKubeApi api = FakeKubeApi.start();
    api.putSecret(Chart.NAMESPACE, "gm-greenmesh-secrets", """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"gm-greenmesh-secrets","namespace":"calls"},
         "type":"Opaque","data":{"turn-secret":"dHVybi1zZWNyZXQtZnJvbS1sYXN0LXRpbWU=",
         "session-secret":"c2Vzc2lvbi1zZWNyZXQtZnJvbS1sYXN0LXRpbWU="}}""");
    try {
      Secret upgraded = render("defaults").one(Secret.class, "gm-greenmesh-secrets");
      assertEquals("dHVybi1zZWNyZXQtZnJvbS1sYXN0LXRpbWU=", upgraded.getData().get("turn-secret"));
      assertEquals("c2Vzc2lvbi1zZWNyZXQtZnJvbS1sYXN0LXRpbWU=", upgraded.getData().get("session-secret"));
    } finally {
      api.clear();
    }
  }

  @Test
  void existingSecretIsMountedInSignalingAndRelayAndNothingIsGenerated() {
    Rendered r = render("existing-secret");
    assertTrue(r.all(Secret.class).isEmpty());
    for (PodSpec pod : r.podSpecs()) {
      Map<String, EnvVar> env = env(pod.getContainers().get(0));
      assertEquals("greenmesh-credentials", env.get("GREENMESH_TURN_SECRET").getValueFrom().getSecretKeyRef().getName());
      assertEquals("turn", env.get("GREENMESH_TURN_SECRET").getValueFrom().getSecretKeyRef().getKey());
    }
    assertEquals(2, r.podSpecs().size(), "signaling and relay both read it");
  }

  @Test
  void relayOnHostNetworkByDefaultAsADaemonSet() {
    Rendered r = render("defaults");
    DaemonSet ds = r.one(DaemonSet.class, "gm-greenmesh-turn");
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertTrue(pod.getHostNetwork());
    assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy());
    Map<String, EnvVar> env = env(pod.getContainers().get(0));
    assertEquals("status.hostIP", env.get("GREENMESH_TURN_RELAY_ADDRESS").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("5000000", env.get("GREENMESH_TURN_BANDWIDTH_PER_ALLOCATION").getValue());
    Map<String, EnvVar> signaling = env(r.one(Deployment.class, "gm-greenmesh-signaling")
        .getSpec().getTemplate().getSpec().getContainers().get(0));
    assertEquals("turn:turn.greenmesh.local:3478?transport=udp,turn:turn.greenmesh.local:3478?transport=tcp",
        signaling.get("GREENMESH_TURN_URLS").getValue());
    assertEquals("false", signaling.get("GREENMESH_TURN_ENABLED").getValue());
    assertTrue(r.all(Service.class).stream().noneMatch(s -> "LoadBalancer".equals(s.getSpec().getType())));
  }

  @Test
  void relayAsHostNetworkDeploymentWithAFixedAddress() {
    Rendered r = render("host-network");
    Deployment d = r.one(Deployment.class, "gm-greenmesh-turn");
    assertEquals(2, d.getSpec().getReplicas());
    assertEquals(0, d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal(),
        "a host-port relay cannot surge on the same node");
    assertTrue(d.getSpec().getTemplate().getSpec().getHostNetwork());
    assertEquals("203.0.113.7", env(d.getSpec().getTemplate().getSpec().getContainers().get(0))
        .get("GREENMESH_TURN_RELAY_ADDRESS").getValue());
    assertTrue(r.all(DaemonSet.class).isEmpty());
  }

  @Test
  void relayBehindALoadBalancerListsUdpTcpTlsAndTheNarrowRelayRange() {
    Rendered r = render("load-balancer");
    Service lb = r.one(Service.class, "gm-greenmesh-turn");
    assertEquals("LoadBalancer", lb.getSpec().getType());
    assertEquals("Local", lb.getSpec().getExternalTrafficPolicy());
    List<ServicePort> ports = lb.getSpec().getPorts();
    assertTrue(ports.stream().anyMatch(p -> p.getPort() == 3478 && p.getProtocol().equals("UDP")));
    assertTrue(ports.stream().anyMatch(p -> p.getPort() == 3478 && p.getProtocol().equals("TCP")));
    ServicePort tls = ports.stream().filter(p -> p.getPort() == 443).findFirst().orElseThrow();
    assertEquals("turns", tls.getTargetPort().getStrVal());
    assertEquals(20, ports.stream().filter(p -> p.getPort() >= 50000 && p.getPort() <= 50019).count());
    Deployment d = r.one(Deployment.class, "gm-greenmesh-turn");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertNull(pod.getHostNetwork());
    Map<String, EnvVar> env = env(pod.getContainers().get(0));
    assertEquals("203.0.113.10", env.get("GREENMESH_TURN_RELAY_ADDRESS").getValue());
    assertEquals("50000", env.get("GREENMESH_TURN_RELAY_PORT_MIN").getValue());
    assertEquals("/etc/greenmesh/tls/tls.crt", env.get("GREENMESH_TURN_TLS_CERT").getValue());
    assertEquals("turn-example-com-tls", pod.getVolumes().stream().filter(v -> v.getName().equals("tls"))
        .findFirst().orElseThrow().getSecret().getSecretName());
    String urls = env(r.one(Deployment.class, "gm-greenmesh-signaling").getSpec().getTemplate().getSpec()
        .getContainers().get(0)).get("GREENMESH_TURN_URLS").getValue();
    assertTrue(urls.contains("turns:203.0.113.10:443?transport=tcp"), urls);
  }

  @Test
  void turnOffRendersNoRelayAndHandsOutTheConfiguredServers() {
    Rendered r = render("turn-off");
    assertTrue(r.all(DaemonSet.class).isEmpty());
    assertEquals(1, r.all(Deployment.class).size());
    Map<String, EnvVar> env = env(r.one(Deployment.class, "gm-greenmesh-signaling").getSpec().getTemplate()
        .getSpec().getContainers().get(0));
    assertEquals("turn:coturn.example.com:3478?transport=udp", env.get("GREENMESH_TURN_URLS").getValue());
    assertEquals("stun:stun.example.com:3478", env.get("GREENMESH_STUN_URLS").getValue());
  }

  @Test
  void ingressCarriesWebSocketTimeoutsAndTls() {
    Rendered r = render("ingress");
    Ingress ingress = r.one(Ingress.class, "gm-greenmesh-signaling");
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    assertEquals("3600", a.get("nginx.ingress.kubernetes.io/proxy-read-timeout"));
    assertEquals("3600", a.get("nginx.ingress.kubernetes.io/proxy-send-timeout"));
    assertEquals("letsencrypt", a.get("cert-manager.io/cluster-issuer"));
    assertEquals("meet.example.com-tls", ingress.getSpec().getTls().get(0).getSecretName());
    assertEquals("nginx", ingress.getSpec().getIngressClassName());
    assertEquals("http", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService()
        .getPort().getName());
  }

  @Test
  void monitoringRendersMonitorsRulesDashboardPoliciesAndAutoscaler() {
    Rendered r = render("monitoring");
    List<ServiceMonitor> sms = r.all(ServiceMonitor.class);
    assertEquals(2, sms.size());
    Service signaling = r.one(Service.class, "gm-greenmesh-signaling");
    ServiceMonitor sm = r.one(ServiceMonitor.class, "gm-greenmesh-signaling");
    assertEquals("kube-prometheus-stack", sm.getMetadata().getLabels().get("release"));
    assertTrue(signaling.getMetadata().getLabels().entrySet()
        .containsAll(sm.getSpec().getSelector().getMatchLabels().entrySet()));
    assertTrue(signaling.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(sm.getSpec().getEndpoints()
        .get(0).getPort())));
    Service turnMetrics = r.one(Service.class, "gm-greenmesh-turn-metrics");
    ServiceMonitor turnSm = r.one(ServiceMonitor.class, "gm-greenmesh-turn");
    assertTrue(turnMetrics.getMetadata().getLabels().entrySet()
        .containsAll(turnSm.getSpec().getSelector().getMatchLabels().entrySet()));
    assertEquals(2, r.all(PodMonitor.class).size());
    PrometheusRule rule = r.one(PrometheusRule.class, "gm-greenmesh");
    Set<String> alerts = rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream())
        .map(x -> x.getAlert()).collect(Collectors.toSet());
    assertEquals(Set.of("GreenMeshClusterNoQuorum", "GreenMeshClusterMembersUnreachable", "GreenMeshJoinLatencyHigh",
        "GreenMeshRelaySaturated", "GreenMeshRelayPlaintextDropsSurging"), alerts);
    io.fabric8.kubernetes.api.model.ConfigMap dashboard =
        r.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "gm-greenmesh-dashboard");
    assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
    assertEquals("monitoring", dashboard.getMetadata().getNamespace());
    assertEquals(read(Chart.dir().resolve("dashboards/greenmesh.json")).strip(),
        dashboard.getData().get("greenmesh.json").strip());
    assertEquals(1, r.all(NetworkPolicy.class).size(), "host-network relays are outside NetworkPolicy");
    HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class, "gm-greenmesh-signaling");
    assertEquals(7, hpa.getSpec().getMaxReplicas());
    Deployment d = r.one(Deployment.class, "gm-greenmesh-signaling");
    assertNull(d.getSpec().getReplicas(), "the HPA owns replicas");
    assertEquals("3", requiredContactPoints(r, env(d.getSpec().getTemplate().getSpec().getContainers().get(0))));
  }

  @Test
  void changingReplicaCountScalesWithoutChangingThePodTemplate() {
    // A pod template that follows replicaCount would turn every scale into a rolling restart of all nodes.
    Deployment three = render("defaults").one(Deployment.class, "gm-greenmesh-signaling");
    Rendered fiveRendered = new Rendered(KubernetesModels.parseAll(Chart.manifests(
        Chart.template("signaling:\n  replicaCount: 5\n"))));
    Deployment five = fiveRendered.one(Deployment.class, "gm-greenmesh-signaling");
    assertEquals(5, five.getSpec().getReplicas());
    assertEquals(three.getSpec().getTemplate(), five.getSpec().getTemplate());
    assertEquals("5", requiredContactPoints(fiveRendered, env(five.getSpec().getTemplate().getSpec().getContainers().get(0))));
  }

  /** GREENMESH_REQUIRED_CONTACT_POINTS, read from the ConfigMap the pod's env refers to. */
  private static String requiredContactPoints(Rendered r, Map<String, EnvVar> env) {
    var ref = env.get("GREENMESH_REQUIRED_CONTACT_POINTS").getValueFrom().getConfigMapKeyRef();
    return r.one(io.fabric8.kubernetes.api.model.ConfigMap.class, ref.getName()).getData().get(ref.getKey());
  }

  @Test
  void helmTestPodJoinsARoomThroughTheSignalingService() {
    // helm-java prints the release manifest without hooks, so the test hooks are rendered from a copy of the chart
    // whose hook annotations are removed; everything else is the chart as shipped.
    List<HasMetadata> models = KubernetesModels.parseAll(Chart.manifests(Chart.templateWithHooksAsManifests("")));
    Pod pod = models.stream().filter(Pod.class::isInstance).map(Pod.class::cast).findFirst().orElseThrow();
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals("docker.io/library/python:3.12-alpine", c.getImage());
    assertEquals(List.of("python3", "/scripts/join-room.py"), c.getCommand());
    assertEquals(List.of("gm-greenmesh-signaling.calls.svc.cluster.local", "8080"), c.getArgs());
    io.fabric8.kubernetes.api.model.ConfigMap script = models.stream()
        .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
        .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
        .filter(m -> m.getData().containsKey("join-room.py")).findFirst().orElseThrow();
    assertEquals(read(Chart.dir().resolve("files/join-room.py")).strip(), script.getData().get("join-room.py").strip());
  }

  // --- support

  static final class Rendered {
    final List<HasMetadata> models;

    Rendered(List<HasMetadata> models) {
      this.models = models;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return models.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
      Optional<T> found = all(type).stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst();
      return found.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in "
          + models.stream().map(m -> m.getKind() + "/" + m.getMetadata().getName()).toList()));
    }

    List<PodSpec> podSpecs() {
      return Stream.concat(all(Deployment.class).stream().map(d -> d.getSpec().getTemplate().getSpec()),
          all(DaemonSet.class).stream().map(d -> d.getSpec().getTemplate().getSpec())).toList();
    }
  }

  static Rendered render(String set) {
    return new Rendered(KubernetesModels.parseAll(Chart.manifests(Chart.template(values(set)))));
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  static String values(String set) {
    return set.equals("defaults") ? "" : read(valuesDir().resolve(set + "-values.yaml"));
  }

  static Path valuesDir() {
    return Chart.dir().resolve("ci");
  }

  static List<String> listValueFiles() {
    try (Stream<Path> files = Files.list(valuesDir())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-values.yaml"))
          .map(n -> n.substring(0, n.length() - "-values.yaml".length())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
