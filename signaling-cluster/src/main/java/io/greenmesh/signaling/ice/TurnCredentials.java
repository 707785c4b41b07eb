package io.greenmesh.signaling.ice;

import java.time.Instant;

/**
 * Ephemeral TURN credentials in the TURN REST API form (draft-uberti-behave-turn-rest):
 * {@code username = <unix-expiry>:<peerId>}, {@code credential = base64(HMAC-SHA1(secret, username))}.
 * coturn's {@code use-auth-secret} and GreenMesh's relay both verify this form.
 */
public final class TurnCredentials {
  private TurnCredentials() {}

  public record Credential(String username, String credential, long expiresAtEpochSecond) {}

  public static Credential issue(String secret, String peerId, Instant expiresAt) {
    String username = io.greenmesh.turn.server.TurnCredentials.username(expiresAt.getEpochSecond(), peerId);
    return new Credential(username, sign(secret, username), expiresAt.getEpochSecond());
  }

  /** base64(HMAC-SHA1(secret, text)): the relay's own derivation, so the two can never disagree. */
  public static String sign(String secret, String text) {
    return io.greenmesh.turn.server.TurnCredentials.password(secret, text);
  }
}
