package io.greenmesh.signaling.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's TLS certificate from a PEM chain and a PEM key (PKCS#1 or PKCS#8), reloaded when either file changes, so
 * that a renewed certificate (cert-manager, certbot) takes effect for new connections without a restart. A file that
 * cannot be read keeps the certificate in use and says why in the log.
 */
public final class TlsCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCertificates.class);

  private final Path certFile;
  private final Path keyFile;
  private final AtomicReference<SSLContext> current = new AtomicReference<>();
  private volatile FileTime certTime;
  private volatile FileTime keyTime;

  /** Loads the files now; a problem here stops the node with a message naming the file. */
  public TlsCertificates(Path certFile, Path keyFile) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    try {
      load();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use TLS certificate " + certFile + " with key " + keyFile + ": "
          + e.getMessage(), e);
    }
  }

  /** A server-side engine from the certificate in use right now. */
  public SSLEngine newEngine() {
    SSLEngine engine = current.get().createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  /** Reloads when a file's modification time changed; returns whether it did. */
  public boolean reloadIfChanged() {
    try {
      if (Files.getLastModifiedTime(certFile).equals(certTime) && Files.getLastModifiedTime(keyFile).equals(keyTime)) {
        return false;
      }
      load();
      LOG.info("reloaded TLS certificate {}", certFile);
      return true;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.warn("keeping the TLS certificate in use; cannot reload {}: {}", certFile, e.getMessage());
      return false;
    }
  }

  /** PKCS#8 RSA or EC keys with the JDK; PKCS#1 RSA keys with Pekko's loader. */
  private static PrivateKey privateKey(PEMDecoder.DERData der) throws GeneralSecurityException {
    if (der.label().equals("PRIVATE KEY")) {
      java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(der.bytes());
      try {
        return java.security.KeyFactory.getInstance("RSA").generatePrivate(spec);
      } catch (GeneralSecurityException notRsa) {
        return java.security.KeyFactory.getInstance("EC").generatePrivate(spec);
      }
    }
    if (der.label().equals("RSA PRIVATE KEY")) {
      return DERPrivateKeyLoader.load(der);
    }
    throw new GeneralSecurityException("unsupported key type '" + der.label()
        + "': convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
  }

  private void load() throws IOException, GeneralSecurityException {
    FileTime ct = Files.getLastModifiedTime(certFile);
    FileTime kt = Files.getLastModifiedTime(keyFile);
    Certificate[] chain = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))).toArray(new Certificate[0]);
    if (chain.length == 0) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    PrivateKey key = privateKey(PEMDecoder.decode(Files.readString(keyFile)));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = new char[0];
    store.setKeyEntry("greenmesh", key, password, chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    current.set(context);
    certTime = ct;
    keyTime = kt;
  }
}
