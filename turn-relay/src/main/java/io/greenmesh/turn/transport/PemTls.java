package io.greenmesh.turn.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;

/**
 * TLS from PEM files, shared by the relay's TLS listener and the signaling node's HTTPS/WSS: a certificate chain and
 * a private key in PKCS#8 (RSA, EC or Ed25519) or PKCS#1 (RSA), re-read when they change.
 */
public final class PemTls {

    private PemTls() {
    }

    /** A server context whose certificate is re-read when the files change (see {@link ReloadingKeyManager}). */
    public static SSLContext serverContext(Path certificateChain, Path privateKey) throws IOException {
        return serverContext(certificateChain, privateKey, Duration.ofSeconds(30));
    }

    public static SSLContext serverContext(Path certificateChain, Path privateKey, Duration checkEvery)
            throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ReloadingKeyManager(certificateChain, privateKey, checkEvery)}, null,
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build TLS context from " + certificateChain + " and " + privateKey, e);
        }
    }

    /** The key manager for one PEM certificate chain and key, as read now. */
    static X509ExtendedKeyManager keyManager(Path certificateChain, Path privateKey) throws IOException {
        try {
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certificateChain)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + certificateChain);
            }
            PrivateKey key = readKey(privateKey);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("greenmesh", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            for (KeyManager km : keys.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new IOException("no X.509 key manager for " + certificateChain);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certificateChain + " with " + privateKey + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path path) throws IOException, GeneralSecurityException {
        String pem = Files.readString(path, StandardCharsets.US_ASCII);
        byte[] der;
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            der = pkcs1ToPkcs8(Base64.getMimeDecoder().decode(between(pem, "RSA PRIVATE KEY")));
        } else if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            der = Base64.getMimeDecoder().decode(between(pem, "PRIVATE KEY"));
        } else {
            throw new IOException(path + " is not a PKCS#8 or PKCS#1 PEM key; convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException("unsupported private key algorithm in " + path);
    }

    private static String between(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        return pem.substring(pem.indexOf(begin) + begin.length(), pem.indexOf("-----END " + label + "-----"));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as OCTET STRING). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }
}
