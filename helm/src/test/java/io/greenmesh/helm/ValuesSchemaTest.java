package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json (and the chart's own checks) refuse each kind of bad value, naming what is wrong. */
class ValuesSchemaTest {

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("wrong type", "signaling:\n  replicaCount: three\n", "replicaCount"),
        Arguments.of("below minimum", "signaling:\n  replicaCount: 0\n", "replicaCount"),
        Arguments.of("port out of range", "turn:\n  ports:\n    udp: 70000\n", "udp"),
        Arguments.of("unknown key (typo)", "signaling:\n  replicas: 3\n", "replicas"),
        Arguments.of("not one of the shapes", "turn:\n  kind: StatefulSet\n", "kind"),
        Arguments.of("not a relay mode", "turn:\n  mode: block\n", "mode"),
        Arguments.of("malformed image digest", "signaling:\n  image:\n    digest: latest\n", "digest"),
        Arguments.of("origin without scheme", "signaling:\n  allowedOrigins: [meet.example.com]\n", "allowedOrigins"),
        Arguments.of("TURN URL of another scheme", "signaling:\n  turnUrls: [\"http://relay\"]\n", "turnUrls"),
        Arguments.of("ratio above one", "metrics:\n  prometheusRule:\n    relaySaturationRatio: 2\n",
            "relaySaturationRatio"),
        Arguments.of("TURN secret too short to be safe", "auth:\n  turnSecret: short\n", "turnSecret"),
        Arguments.of("relay address not an IP", "turn:\n  relayAddress: relay.example.com\n", "relayAddress"),
        Arguments.of("too short a grace period for hand-off", "signaling:\n  terminationGracePeriodSeconds: 5\n",
            "terminationGracePeriodSeconds"),
        Arguments.of("no public host for the relay", "turn:\n  publicHost: \"\"\n", "turn.publicHost"),
        Arguments.of("DaemonSet off the host network", "turn:\n  hostNetwork: false\n", "DaemonSet"),
        Arguments.of("relay range too wide for a LoadBalancer",
            "turn:\n  kind: Deployment\n  hostNetwork: false\n  relayPortRange:\n    min: 40000\n    max: 60000\n",
            "relayPortRange"),
        Arguments.of("TLS without a certificate", "turn:\n  tls:\n    enabled: true\n", "existingSecret"),
        Arguments.of("inverted relay range", "turn:\n  relayPortRange:\n    min: 50010\n    max: 50000\n",
            "relayPortRange"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("badValues")
  void refuses(String kind, String values, String mentioned) {
    Exception e = assertThrows(Exception.class, () -> Chart.template(values), kind);
    assertTrue(e.getMessage().contains(mentioned), () -> kind + ": the error should name " + mentioned + ": "
        + e.getMessage());
  }
}
