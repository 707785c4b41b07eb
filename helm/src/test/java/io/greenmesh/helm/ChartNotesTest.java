package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.Test;

/** NOTES.txt (rendered by a client-only dry-run install) tells the operator the signaling URL and the dashboard. */
class ChartNotesTest {

  static String notes(String set) {
    return notesWith(ChartRenderTest.values(set));
  }

  static String notesWith(String values) {
    FakeKubeApi.start();
    InstallCommand install = new Helm(Chart.dir()).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
        .withKubeVersion(Chart.KUBE_VERSION).dryRun().clientOnly();
    if (!values.isBlank()) {
      install = install.withValuesFile(Chart.writeTemp("notes", values));
    }
    String output = install.call().getOutput();
    return output.substring(output.indexOf("NOTES:"));
  }

  @Test
  void productionNotesGiveTheWssUrlTurnUrlsAndMonitoring() {
    String notes = notes("production");
    assertTrue(notes.contains("wss://meet.example.com/v1/ws"), notes);
    assertTrue(notes.contains("turns:203.0.113.10:443?transport=tcp"), notes);
    assertTrue(notes.contains("ConfigMap gm-greenmesh-dashboard (label grafana_dashboard=1)"), notes);
    assertTrue(notes.contains("PrometheusRule gm-greenmesh"), notes);
    assertTrue(notes.contains("helm test gm -n calls"), notes);
    assertFalse(notes.contains("WARNING"), notes);
  }

  @Test
  void defaultNotesWarnAboutThePlaceholderRelayHostAndShowPortForward() {
    String notes = notes("defaults");
    assertTrue(notes.contains("kubectl -n calls port-forward svc/gm-greenmesh-signaling 8080:8080"), notes);
    assertTrue(notes.contains("WARNING: turn.publicHost is still the placeholder"), notes);
  }

  @Test
  void ingressWithoutTlsWarnsThatBrowsersNeedASecureOrigin() {
    String notes = notesWith("ingress:\n  enabled: true\n  hostname: meet.example.com\n");
    assertTrue(notes.contains("ws://meet.example.com/v1/ws"), notes);
    assertTrue(notes.contains("secure origins"), notes);
  }
}
