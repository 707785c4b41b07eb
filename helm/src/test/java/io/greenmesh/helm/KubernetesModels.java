package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Strict parsing of rendered manifests into fabric8's typed Kubernetes models (generated from the Kubernetes
 * OpenAPI schema, and for ServiceMonitor, PodMonitor and PrometheusRule from the Prometheus Operator's CRDs).
 * fabric8 keeps unknown fields in {@code additionalProperties} instead of failing, so after Jackson (which fails on
 * a mistyped value) every node of the object tree is checked to have none: a misspelt or misplaced field fails
 * the test, as {@code kubectl apply --validate=strict} would. Names and port names are checked against the API
 * server's own length and character rules, which the schema does not carry.
 */
final class KubernetesModels {
  private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Pod", Pod.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("apps/v1/DaemonSet", DaemonSet.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
      Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
      Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
      Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class));

  private static final ObjectMapper STRICT = JsonMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  private KubernetesModels() {}

  /** Parses every manifest strictly; fails on an unknown kind, an unknown field or a mistyped value. */
  static List<HasMetadata> parseAll(List<Chart.Manifest> manifests) {
    List<HasMetadata> out = new ArrayList<>();
    for (Chart.Manifest m : manifests) {
      out.add(parse(m));
    }
    return out;
  }

  static HasMetadata parse(Chart.Manifest m) {
    Class<? extends HasMetadata> type = TYPES.get(m.apiVersion() + "/" + m.kind());
    assertNotNull(type, () -> m.source() + ": no model for " + m.apiVersion() + "/" + m.kind());
    HasMetadata model;
    try {
      model = STRICT.readValue(m.yaml(), type);
    } catch (IOException e) {
      throw new AssertionError(m.source() + " does not parse as " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknown(model, m.kind(), unknown, new IdentityHashMap<>());
    assertTrue(unknown.isEmpty(), () -> m.source() + ": fields unknown to the Kubernetes schema: " + unknown);
    checkApiServerRules(m.source(), model);
    return model;
  }

  private static void collectUnknown(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> c) {
      int i = 0;
      for (Object o : c) {
        collectUnknown(o, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        collectUnknown(e.getValue(), path + "[" + e.getKey() + "]", unknown, seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
        continue;
      }
      collectUnknown(value, path + "." + uncapitalize(getter.getName().substring(3)), unknown, seen);
    }
  }

  private static void checkApiServerRules(String source, HasMetadata model) {
    String name = model.getMetadata().getName();
    assertTrue(name.length() <= 63 && DNS_1123_SUBDOMAIN.matcher(name).matches(),
        () -> source + ": invalid name " + name);
    model.getMetadata().getLabels().forEach((k, v) -> assertTrue(v.length() <= 63 && LABEL_VALUE.matcher(v).matches(),
        () -> source + ": invalid label value " + k + "=" + v));
    List<String> portNames = new ArrayList<>();
    if (model instanceof Deployment d) {
      d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
    } else if (model instanceof DaemonSet d) {
      d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
    } else if (model instanceof Service s) {
      s.getSpec().getPorts().forEach(p -> portNames.add(p.getName()));
      assertEquals(s.getSpec().getPorts().size(),
          s.getSpec().getPorts().stream().map(p -> p.getPort() + "/" + p.getProtocol()).distinct().count(),
          () -> source + ": duplicate service port");
    }
    for (String port : portNames) {
      if (port == null || port.length() > 15 || !IANA_SVC_NAME.matcher(port).matches()) {
        fail(source + ": invalid port name " + port);
      }
    }
  }

  private static String uncapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
