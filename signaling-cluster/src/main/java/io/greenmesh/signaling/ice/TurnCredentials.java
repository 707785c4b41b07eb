package io.greenmesh.signaling.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ephemeral TURN credentials in the TURN REST API form (draft-uberti-behave-turn-rest):
 * {@code username = <unix-expiry>:<peerId>}, {@code credential = base64(HMAC-SHA1(secret, username))}.
 * coturn's {@code use-auth-secret} and GreenMesh's relay both verify this form.
 */
public final class TurnCredentials {
  private TurnCredentials() {}

  public record Credential(String username, String credential, long expiresAtEpochSecond) {}

  public static Credential issue(String secret, String peerId, Instant expiresAt) {
    String username = expiresAt.getEpochSecond() + ":" + peerId;
    return new Credential(username, sign(secret, username), expiresAt.getEpochSecond());
  }

  public static String sign(String secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }
}
