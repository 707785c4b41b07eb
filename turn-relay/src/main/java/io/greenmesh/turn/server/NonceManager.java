package io.greenmesh.turn.server;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces (RFC 8489 §9.2): {@code base64url(expiry seconds || HMAC(key, expiry || client IP)[0..8])},
 * 16 characters, so that a 401 challenge stays small. Nothing is
 * stored per client, so nonces cost no memory under a flood, yet a nonce only works until its expiry and only from
 * the address it was issued to. The key is random per process: a restart makes clients retry with 438.
 */
public final class NonceManager {

    /** What a presented nonce is worth. */
    public enum Status {
        VALID, STALE, INVALID
    }

    private static final int MAC_BYTES = 8;
    private final byte[] key = new byte[32];
    private final Clock clock;
    private final long lifetimeMillis;

    public NonceManager(Clock clock, Duration lifetime) {
        new SecureRandom().nextBytes(key);
        this.clock = clock;
        this.lifetimeMillis = lifetime.toMillis();
    }

    public String issue(InetAddress client) {
        long expiry = (clock.millis() + lifetimeMillis + 999) / 1000;
        ByteBuffer b = ByteBuffer.allocate(4 + MAC_BYTES).putInt((int) expiry).put(mac(expiry, client));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    public Status check(String nonce, InetAddress client) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Status.INVALID;
        }
        if (raw.length != 4 + MAC_BYTES) {
            return Status.INVALID;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long expiry = b.getInt() & 0xFFFFFFFFL;
        byte[] presented = new byte[MAC_BYTES];
        b.get(presented);
        if (!MessageDigest.isEqual(presented, mac(expiry, client))) {
            return Status.INVALID;
        }
        return clock.millis() < expiry * 1000 ? Status.VALID : Status.STALE;
    }

    private byte[] mac(long expiry, InetAddress client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(8).putLong(expiry).array());
            mac.update(client.getAddress());
            byte[] full = mac.doFinal();
            byte[] truncated = new byte[MAC_BYTES];
            System.arraycopy(full, 0, truncated, 0, MAC_BYTES);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
