package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule the chart renders, taken out as a plain rules file: {@code promtool check rules} accepts it and
 * {@code promtool test rules} runs src/test/resources/alerts/greenmesh-alerts-test.yaml, which fires and clears
 * every alert.
 */
class AlertRulesTest {
  static Path work;
  static Path rules;

  @BeforeAll
  static void extractRules() throws IOException {
    // Kept under target/ for a look after a failure: rules.yaml and the unit tests beside it.
    work = Files.createDirectories(Chart.root().resolve("helm/target/alert-rules"));
    String rendered = Chart.template("metrics:\n  prometheusRule:\n    enabled: true\n");
    Chart.Manifest rule = Chart.manifests(rendered).stream().filter(m -> m.kind().equals("PrometheusRule"))
        .findFirst().orElseThrow();
    KubernetesModels.parse(rule);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) rule.map().get("spec");
    rules = work.resolve("rules.yaml");
    Chart.YAML.writeValue(rules.toFile(), Map.of("groups", spec.get("groups")));
  }

  @Test
  void promtoolChecksTheRules() {
    Path promtool = Tools.require("promtool", "apt-get install prometheus");
    Tools.Result r = Tools.run(Duration.ofSeconds(60), work, List.of(promtool.toString(), "check", "rules",
        rules.toString()));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS: 5 rules found"), r.output());
  }

  @Test
  void promtoolUnitTestsFireAndClearEveryAlert() throws IOException {
    Path promtool = Tools.require("promtool", "apt-get install prometheus");
    Path tests = work.resolve("greenmesh-alerts-test.yaml");
    String testYaml = Files.readString(Chart.root().resolve("helm/src/test/resources/alerts/greenmesh-alerts-test.yaml"));
    Files.writeString(tests, testYaml);
    Tools.Result r = Tools.run(Duration.ofSeconds(120), work, List.of(promtool.toString(), "test", "rules",
        tests.toString()));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());

    Set<String> defined = new TreeSet<>();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups = (List<Map<String, Object>>) Chart.YAML.readValue(rules.toFile(), Map.class)
        .get("groups");
    for (Map<String, Object> group : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> groupRules = (List<Map<String, Object>>) group.get("rules");
      groupRules.forEach(rule -> defined.add((String) rule.get("alert")));
    }
    assertEquals(5, defined.size(), defined.toString());
    Set<String> firedInTests = new TreeSet<>();
    Matcher fired = Pattern.compile("alertname: (\\w+)\\s+exp_alerts:\\s+- exp_labels").matcher(testYaml);
    while (fired.find()) {
      firedInTests.add(fired.group(1));
    }
    assertEquals(defined, firedInTests, "every alert has a unit test in which it fires");
  }
}
