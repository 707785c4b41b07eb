package io.greenmesh.signaling.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session tokens that any node of the cluster can verify without asking anyone: the claims (room, peer id, display
 * name, expiry) signed with HMAC-SHA256 under a secret all nodes share. This is what lets a client resume on another
 * node, and a room entity that restarted after a node died rebuild its membership from the peers that come back.
 */
public final class SessionTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key;
  private final Duration ttl;
  private final Clock clock;

  public SessionTokens(String secret, Duration ttl, Clock clock) {
    this.key = secret.getBytes(StandardCharsets.UTF_8);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** {@code grants} in {@link io.greenmesh.signaling.protocol.Grants#letters()} form: they survive a resume. */
  public record Claims(String room, String peerId, String displayName, String grants, long expiresAtEpochSecond) {}

  public String issue(String room, String peerId, String displayName, String grants) {
    long expiry = clock.instant().plus(ttl).getEpochSecond();
    String body = B64.encodeToString(String.join("\n", "v2", room, peerId, displayName, grants,
        Long.toString(expiry)).getBytes(StandardCharsets.UTF_8));
    return body + "." + B64.encodeToString(mac(body));
  }

  /** The claims of a well-formed, authentic, unexpired token; empty for anything else. Never throws. */
  public Optional<Claims> verify(String token) {
    try {
      int dot = token.indexOf('.');
      if (dot <= 0 || dot != token.lastIndexOf('.')) {
        return Optional.empty();
      }
      String body = token.substring(0, dot);
      byte[] signature = B64D.decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(signature, mac(body))) {
        return Optional.empty();
      }
      String[] parts = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\n", -1);
      if (parts.length != 6 || !parts[0].equals("v2")) {
        return Optional.empty();
      }
      long expiry = Long.parseLong(parts[5]);
      if (expiry < clock.instant().getEpochSecond()) {
        return Optional.empty();
      }
      return Optional.of(new Claims(parts[1], parts[2], parts[3], parts[4], expiry));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
