package io.greenmesh.helm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
        Arguments.of("DaemonSet off the host network", "turn:\n  hostNetwork: false\n  publicHost: 203.0.113.10\n",
            "DaemonSet"),
        Arguments.of("relay range too wide for a LoadBalancer",
            "turn:\n  kind: Deployment\n  hostNetwork: false\n  publicHost: 203.0.113.10\n  relayPortRange:\n"
                + "    min: 40000\n    max: 60000\n",
            "relayPortRange"),
        Arguments.of("TLS without a certificate", "turn:\n  tls:\n    enabled: true\n", "existingSecret"),
        Arguments.of("inverted relay range", "turn:\n  relayPortRange:\n    min: 50010\n    max: 50000\n",
            "relayPortRange"),
        Arguments.of("relay address out of range", "turn:\n  relayAddress: 203.0.113.256\n", "relayAddress"),
        Arguments.of("relay address no peer can send to", "turn:\n  relayAddress: 0.0.0.0\n", "relayAddress"),
        Arguments.of("relay behind a Service advertising a host name",
            "turn:\n  kind: Deployment\n  hostNetwork: false\n  publicHost: turn.example.com\n", "publicHost"),
        Arguments.of("embedded relay advertising a host name", "signaling:\n  embeddedRelay: true\n", "publicHost"),
        Arguments.of("token policy with no key", "signaling:\n  extraEnvVars:\n"
            + "    - {name: GREENMESH_AUTH_POLICY, value: token}\n", "extraEnvVars"),
        Arguments.of("token policy with its key variable misspelt", "signaling:\n  extraEnvVars:\n"
            + "    - {name: GREENMESH_AUTH_POLICY, value: token}\n"
            + "    - {name: GREENMESH_AUTH_HS256_SECRETS, value: 0123456789abcdef0123456789abcdef}\n", "extraEnvVars"));
  }

  /** The working neighbours of the refused combinations above render. */
  static Stream<Arguments> goodValues() {
    return Stream.of(
        Arguments.of("relay behind a Service with its own relay address",
            "turn:\n  kind: Deployment\n  hostNetwork: false\n  publicHost: turn.example.com\n"
                + "  relayAddress: 203.0.113.10\n"),
        Arguments.of("relay behind a Service at an IP address",
            "turn:\n  kind: Deployment\n  hostNetwork: false\n  publicHost: 203.0.113.10\n"),
        Arguments.of("relay on the host network with a host name", "turn:\n  publicHost: turn.example.com\n"),
        Arguments.of("IPv6 relay address", "turn:\n  relayAddress: \"2001:db8::10\"\n"),
        Arguments.of("embedded relay at an IP address", "signaling:\n  embeddedRelay: true\nturn:\n"
            + "  publicHost: 203.0.113.10\n"),
        Arguments.of("token policy with a key", "signaling:\n  extraEnvVars:\n"
            + "    - {name: GREENMESH_AUTH_POLICY, value: token}\n"
            + "    - {name: GREENMESH_AUTH_JWKS_FILE, value: /etc/greenmesh/jwks.json}\n"),
        Arguments.of("open policy with no key", "signaling:\n  extraEnvVars:\n"
            + "    - {name: GREENMESH_AUTH_POLICY, value: open}\n"));
  }

  @ParameterizedTest(name = "accepts {0}")
  @MethodSource("goodValues")
  void accepts(String kind, String values) {
    assertDoesNotThrow(() -> Chart.template(values), kind);
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("badValues")
  void refuses(String kind, String values, String mentioned) {
    Exception e = assertThrows(Exception.class, () -> Chart.template(values), kind);
    assertTrue(e.getMessage().contains(mentioned), () -> kind + ": the error should name " + mentioned + ": "
        + e.getMessage());
  }
}
