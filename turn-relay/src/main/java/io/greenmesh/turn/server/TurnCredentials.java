package io.greenmesh.turn.server;

import io.greenmesh.turn.codec.DecodeResult;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Long-term credentials in the TURN REST API form (draft-uberti-behave-turn-rest, as coturn's
 * {@code use-auth-secret}): {@code username = <unix-expiry>[:<id>]}, {@code password = base64(HMAC-SHA1(secret,
 * username))}, {@code key = MD5(username ":" realm ":" password)} (RFC 8489 §9.2.2). Several secrets are accepted
 * so they can be rotated; the first one signs new credentials.
 */
public final class TurnCredentials {

    /** The outcome of checking a request's credentials. */
    public sealed interface Check permits Accepted, Rejected {
    }

    /** The request's MESSAGE-INTEGRITY verified under {@code key}. */
    public record Accepted(byte[] key) implements Check {
    }

    /** Why the credentials were refused, as a metric label. */
    public record Rejected(String reason) implements Check {
    }

    private final List<String> secrets;
    private final String realm;
    private final Clock clock;

    public TurnCredentials(List<String> secrets, String realm, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one shared secret is needed");
        }
        this.secrets = List.copyOf(secrets);
        this.realm = realm;
        this.clock = clock;
    }

    public String realm() {
        return realm;
    }

    /** A REST API username valid until {@code expiryEpochSeconds}. */
    public static String username(long expiryEpochSeconds, String id) {
        return id == null || id.isEmpty() ? Long.toString(expiryEpochSeconds) : expiryEpochSeconds + ":" + id;
    }

    /** The REST API password: base64(HMAC-SHA1(secret, username)). */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** The long-term key MD5(username:realm:password) of RFC 8489 §9.2.2. */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    /** The password the signing (first) secret gives {@code username}: what the signaling node hands out. */
    public String passwordFor(String username) {
        return password(secrets.get(0), username);
    }

    /** Checks the username's expiry, then the message integrity under each accepted secret. */
    public Check check(String username, DecodeResult.Decoded request) {
        int colon = username.indexOf(':');
        String expiryText = colon < 0 ? username : username.substring(0, colon);
        long expiry;
        try {
            expiry = Long.parseLong(expiryText);
        } catch (NumberFormatException e) {
            return new Rejected("bad_username");
        }
        if (expiry * 1000 <= clock.millis()) {
            return new Rejected("expired_username");
        }
        for (String secret : secrets) {
            byte[] key = longTermKey(username, realm, password(secret, username));
            if (request.verifyIntegrity(key)) {
                return new Accepted(key);
            }
        }
        return new Rejected("bad_integrity");
    }
}
