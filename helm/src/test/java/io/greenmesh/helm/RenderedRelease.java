package io.greenmesh.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** One {@code helm template} of the chart, parsed strictly into fabric8 models: what {@code helm install} would apply. */
record RenderedRelease(List<HasMetadata> objects) {

  static RenderedRelease render(String valuesYaml) {
    return new RenderedRelease(KubernetesModels.parseAll(Chart.manifests(Chart.template(valuesYaml))));
  }

  /** {@code helm upgrade} to a chart whose Chart.yaml says {@code appVersion}, as a new GreenMesh release ships. */
  static RenderedRelease renderAppVersion(String appVersion, String valuesYaml) {
    return new RenderedRelease(KubernetesModels.parseAll(Chart.manifests(
        Chart.template(Chart.copyWithAppVersion(appVersion), valuesYaml))));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String nameSuffix) {
    List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().endsWith(nameSuffix)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + " *" + nameSuffix + ", rendered " + found.size());
    }
    return found.get(0);
  }

  List<Deployment> deployments() {
    return all(Deployment.class);
  }

  List<DaemonSet> daemonSets() {
    return all(DaemonSet.class);
  }

  List<Service> services() {
    return all(Service.class);
  }

  List<Role> roles() {
    return all(Role.class);
  }

  List<RoleBinding> roleBindings() {
    return all(RoleBinding.class);
  }

  Optional<PodDisruptionBudget> pdbFor(PodTemplateSpec template) {
    return all(PodDisruptionBudget.class).stream().filter(p -> KubeApiStandIn.matches(
        selector(p.getSpec().getSelector().getMatchLabels()), template.getMetadata().getLabels())).findFirst();
  }

  Optional<ServiceAccount> serviceAccount(String name) {
    return all(ServiceAccount.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
  }

  /** A key of a rendered Secret, decoded; absent when the Secret is not part of the release (an existing one). */
  Optional<String> secretKey(String name, String key) {
    return all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
        .map(s -> s.getData() != null && s.getData().containsKey(key)
            ? new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8)
            : s.getStringData() == null ? null : s.getStringData().get(key));
  }

  Optional<String> configMapKey(String name, String key) {
    return all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
        .map(c -> c.getData().get(key));
  }

  static String selector(java.util.Map<String, String> matchLabels) {
    return String.join(",", matchLabels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }
}
