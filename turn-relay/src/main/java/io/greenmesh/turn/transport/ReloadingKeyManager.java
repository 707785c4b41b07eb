package io.greenmesh.turn.transport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key manager behind every GreenMesh TLS listener (the node's HTTPS/WSS and the relay's TURN-over-TLS): it serves
 * the certificate and key from PEM files and re-reads them, at most every {@code checkEvery}, when either file's
 * modification time changes — a renewed certificate (cert-manager, certbot) is used from the next handshake on, with
 * no restart. A file that cannot be read keeps the pair in use and says why in the log.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

  private record Loaded(X509ExtendedKeyManager keys, FileTime certTime, FileTime keyTime) {}

  private final Path certFile;
  private final Path keyFile;
  private final long checkEveryNanos;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private volatile long lastCheck = System.nanoTime();

  /** Loads the pair now; a problem here is the caller's to report (the listener cannot start without it). */
  public ReloadingKeyManager(Path certFile, Path keyFile, Duration checkEvery) throws IOException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.checkEveryNanos = checkEvery.toNanos();
    current.set(load());
  }

  private Loaded load() throws IOException {
    FileTime ct = Files.getLastModifiedTime(certFile);
    FileTime kt = Files.getLastModifiedTime(keyFile);
    return new Loaded(PemTls.keyManager(certFile, keyFile), ct, kt);
  }

  /** Re-reads the files if they changed since they were loaded; returns whether it did. */
  public boolean reloadIfChanged() {
    lastCheck = System.nanoTime();
    Loaded loaded = current.get();
    try {
      if (Files.getLastModifiedTime(certFile).equals(loaded.certTime())
          && Files.getLastModifiedTime(keyFile).equals(loaded.keyTime())) {
        return false;
      }
      current.set(load());
      LOG.info("reloaded TLS certificate {}", certFile);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("keeping the TLS certificate in use; cannot reload {}: {}", certFile, e.getMessage());
      return false;
    }
  }

  private X509ExtendedKeyManager keys() {
    if (System.nanoTime() - lastCheck > checkEveryNanos) {
      reloadIfChanged();
    }
    return current.get().keys();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return keys().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return keys().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current.get().keys().getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.get().keys().getPrivateKey(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.get().keys().getServerAliases(keyType, issuers);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // server side only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null; // server side only
  }
}
