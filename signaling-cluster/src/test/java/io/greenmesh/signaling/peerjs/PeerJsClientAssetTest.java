package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PeerJS client the node serves is the unmodified npm file, with its license beside it. */
class PeerJsClientAssetTest {
  /** SHA-256 of {@code dist/peerjs.min.js} in the npm package peerjs 1.5.5 (see web/peerjs/README.md). */
  private static final String PEERJS_1_5_5_MIN_JS_SHA256 =
      "7604d8c31bec4f134b0d15c2d80b1d095ea18af005354f439f14291fcd7b4168";

  @Test
  void theVendoredPeerJsClientIsTheNpmFileUnmodified() throws Exception {
    assertEquals(PEERJS_1_5_5_MIN_JS_SHA256, HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(resource("web/peerjs/peerjs.min.js"))));
  }

  @Test
  void itsMitLicenseIsShippedBesideIt() throws Exception {
    String license = new String(resource("web/peerjs/peerjs.LICENSE.txt"), StandardCharsets.UTF_8);
    assertTrue(license.contains("The MIT License") && license.contains("Michelle Bu and Eric Zhang"), license);
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = PeerJsClientAssetTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name + " on the classpath");
      return in.readAllBytes();
    }
  }
}
