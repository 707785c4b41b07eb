package io.greenmesh.loadtest.turn;

import io.greenmesh.turn.server.TurnCredentials;

/**
 * Long-term credentials in the TURN REST API form that GreenMesh and coturn's {@code use-auth-secret} both accept:
 * {@code username = "<unix-expiry>:<id>"}, {@code password = base64(HMAC-SHA1(secret, username))}. The HMAC and the
 * MD5 key of RFC 8489 §9.2.2 are the relay's own {@link TurnCredentials}, so the tool cannot drift from it.
 */
record RestCredentials(String username, String password) {

  static RestCredentials of(String secret, long expiryEpochSeconds, String id) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a shared secret is required");
    }
    String username = TurnCredentials.username(expiryEpochSeconds, id);
    return new RestCredentials(username, TurnCredentials.password(secret, username));
  }

  /** The key that signs requests once the realm is known: MD5(username:realm:password). */
  byte[] key(String realm) {
    return TurnCredentials.longTermKey(username, realm, password);
  }
}
