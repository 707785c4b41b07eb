package io.greenmesh.signaling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.GreenMeshNode;
import io.greenmesh.signaling.support.TestNodes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and WSS on the node's port, with a certificate that is replaced while the node runs. */
class TlsTest {

  @Test
  void servesWssAndPicksUpARenewedCertificate(@TempDir Path dir) throws Exception {
    Path one = selfSigned(dir, "one");
    Path two = selfSigned(dir, "two");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(one.resolve("cert.pem"), cert);
    Files.copy(one.resolve("key.pem"), key);
    try (GreenMeshNode node = TestNodes.start(Map.of(
        "greenmesh.http.tls.cert", cert.toString(),
        "greenmesh.http.tls.key", key.toString(),
        "greenmesh.http.tls.reload-interval", "200ms"))) {
      URI ready = URI.create("https://127.0.0.1:" + node.httpPort() + "/ready");
      HttpResponse<String> r = client(one, two).send(HttpRequest.newBuilder(ready).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("CN=one", subject(r));

      CompletableFuture<String> welcome = new CompletableFuture<>();
      WebSocket ws = client(one, two).newWebSocketBuilder()
          .buildAsync(URI.create("wss://127.0.0.1:" + node.httpPort() + "/v1/ws"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              welcome.complete(data.toString());
              return null;
            }
          }).join();
      ws.sendText("{\"type\":\"join\",\"room\":\"tls\"}", true).join();
      assertTrue(welcome.get(5, TimeUnit.SECONDS).contains("\"welcome\""));
      ws.abort();

      Files.copy(two.resolve("cert.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(two.resolve("key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String seen = "CN=one";
      while (!seen.equals("CN=two") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        seen = subject(client(one, two).send(HttpRequest.newBuilder(ready).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      assertEquals("CN=two", seen, "new connections get the renewed certificate");
    }
  }

  private static String subject(HttpResponse<?> r) throws Exception {
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal()
        .getName();
  }

  /** A fresh client (no pooled connection) that trusts both test certificates. */
  private static HttpClient client(Path... certs) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (Path c : certs) {
      Certificate cert = CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(c.resolve("cert.pem"))));
      trust.setCertificateEntry("c" + i++, cert);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** An EC P-256 self-signed certificate for 127.0.0.1, made with Debian's openssl. */
  private static Path selfSigned(Path dir, String cn) throws Exception {
    Path out = Files.createDirectories(dir.resolve(cn));
    Process p = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=" + cn,
        "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", out.resolve("key.pem").toString(), "-out", out.resolve("cert.pem").toString()))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, output);
    return out;
  }
}
