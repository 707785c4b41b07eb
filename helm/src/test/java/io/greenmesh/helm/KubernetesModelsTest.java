package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict parser the chart tests rely on really refuses what the API server would. */
class KubernetesModelsTest {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: demo
        labels:
          app: demo
      spec:
        selector:
          matchLabels:
            app: demo
        template:
          metadata:
            labels:
              app: demo
          spec:
            containers:
              - name: demo
                image: demo:1
                ports:
                  - name: http
                    containerPort: 8080
      """;

  @Test
  void acceptsAValidManifest() {
    KubernetesModels.parse(manifest(DEPLOYMENT));
  }

  @Test
  void refusesAMisplacedField() {
    String bad = DEPLOYMENT.replace("      containers:", "      hostnetwork: true\n      containers:");
    AssertionError e = assertThrows(AssertionError.class, () -> KubernetesModels.parse(manifest(bad)));
    assertTrue(e.getMessage().contains("hostnetwork"), e.getMessage());
  }

  @Test
  void refusesAMistypedValue() {
    String bad = DEPLOYMENT.replace("containerPort: 8080", "containerPort: \"8080\"");
    assertThrows(AssertionError.class, () -> KubernetesModels.parse(manifest(bad)));
  }

  @Test
  void refusesAPortNameTheApiServerRejects() {
    String bad = DEPLOYMENT.replace("name: http", "name: http-signaling-port");
    AssertionError e = assertThrows(AssertionError.class, () -> KubernetesModels.parse(manifest(bad)));
    assertTrue(e.getMessage().contains("port name"), e.getMessage());
  }

  @Test
  void refusesAKindItHasNoModelFor() {
    assertThrows(AssertionError.class, () -> KubernetesModels.parse(manifest(DEPLOYMENT.replace("Deployment", "Deploymnet"))));
  }

  @SuppressWarnings("unchecked")
  private static Chart.Manifest manifest(String yaml) {
    try {
      return new Chart.Manifest("test", yaml, Chart.YAML.readValue(yaml, Map.class));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
