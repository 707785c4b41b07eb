package io.greenmesh.turn.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys as operators have them (PKCS#1 RSA from older tools, PKCS#8 EC), and renewals. */
class PemTlsTest {

  @Test
  void readsPkcs1AndPkcs8KeysAndPicksUpARenewal(@TempDir Path dir) throws Exception {
    Path rsa = Files.createDirectories(dir.resolve("rsa"));
    run(List.of("openssl", "genrsa", "-traditional", "-out", rsa.resolve("key.pem").toString(), "2048"));
    run(List.of("openssl", "req", "-x509", "-key", rsa.resolve("key.pem").toString(), "-days", "1", "-subj", "/CN=rsa",
        "-out", rsa.resolve("cert.pem").toString()));
    Path ec = make(dir, "ec", List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
    assertTrue(Files.readString(rsa.resolve("key.pem")).contains("BEGIN RSA PRIVATE KEY"), "a PKCS#1 key");

    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(rsa.resolve("cert.pem"), cert);
    Files.copy(rsa.resolve("key.pem"), key);
    ReloadingKeyManager keys = new ReloadingKeyManager(cert, key, Duration.ZERO);
    assertEquals("CN=rsa", subject(keys));
    assertFalse(keys.reloadIfChanged(), "nothing changed");

    Files.copy(ec.resolve("cert.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(ec.resolve("key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
    assertTrue(keys.reloadIfChanged());
    assertEquals("CN=ec", subject(keys));

    Files.writeString(key, "garbage");
    Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(10)));
    assertFalse(keys.reloadIfChanged(), "an unreadable key keeps the pair in use");
    assertEquals("CN=ec", subject(keys));
  }

  private static String subject(ReloadingKeyManager keys) {
    return keys.getCertificateChain("greenmesh")[0].getSubjectX500Principal().getName();
  }

  private static Path make(Path dir, String cn, List<String> keyArgs) throws Exception {
    Path out = Files.createDirectories(dir.resolve(cn));
    List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "req", "-x509"));
    cmd.addAll(keyArgs);
    cmd.addAll(List.of("-nodes", "-days", "1", "-subj", "/CN=" + cn,
        "-keyout", out.resolve("key.pem").toString(), "-out", out.resolve("cert.pem").toString()));
    run(cmd);
    return out;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, output);
  }
}
