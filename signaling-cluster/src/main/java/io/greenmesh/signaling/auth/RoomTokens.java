package io.greenmesh.signaling.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenmesh.signaling.protocol.Grants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Room tokens: JWTs that say who may join which room and with what grants.
 *
 * <p>Claims: {@code room} (a room name, or a pattern with {@code *}, e.g. {@code "team-*"}), {@code sub} (the display
 * identity), {@code exp} (required), optional {@code nbf}, {@code iss}, and {@code grants}
 * ({@code {"publish":true,"broadcast":true,"moderator":false}}, the defaults). Signed HS256 with a shared secret, or
 * RS256/ES256 with public keys from PEM files or a JWKS file. Verification never throws.
 */
public final class RoomTokens {

  /** The outcome of checking a token against the room it is presented for. */
  public sealed interface Check {}

  public record Valid(String subject, Grants grants) implements Check {}

  public record Invalid(String reason) implements Check {}

  private final AuthSettings settings;
  private final List<JWSVerifier> macVerifiers = new ArrayList<>();
  private final List<JWK> publicKeys = new ArrayList<>();
  private final Clock clock;

  public RoomTokens(AuthSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    for (String secret : settings.hs256Secrets()) {
      try {
        macVerifiers.add(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("greenmesh.auth.hs256-secret must be at least 32 bytes", e);
      }
    }
    for (String file : settings.publicKeyFiles()) {
      publicKeys.add(readPem(Path.of(file)));
    }
    if (!settings.jwksFile().isEmpty()) {
      try {
        publicKeys.addAll(JWKSet.load(Path.of(settings.jwksFile()).toFile()).getKeys());
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException("cannot read greenmesh.auth.jwks-file " + settings.jwksFile() + ": "
            + e.getMessage(), e);
      }
    }
  }

  public AuthSettings.Policy policy() {
    return settings.policy();
  }

  /** Checks {@code token} for {@code room}; never throws. */
  public Check verify(String token, String room) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return new Invalid("the token is not a signed JWT");
    }
    if (!signatureValid(jwt)) {
      return new Invalid("the token's signature does not verify");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return new Invalid("the token has no expiry (exp)");
    }
    if (exp.toInstant().plus(settings.clockSkew()).isBefore(now)) {
      return new Invalid("the token has expired");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().minus(settings.clockSkew()).isAfter(now)) {
      return new Invalid("the token is not valid yet");
    }
    if (!settings.issuer().isEmpty() && !settings.issuer().equals(claims.getIssuer())) {
      return new Invalid("the token is from another issuer");
    }
    Object roomClaim = claims.getClaim("room");
    if (!(roomClaim instanceof String pattern) || !roomMatches(pattern, room)) {
      return new Invalid("the token is not for room '" + room + "'");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      return new Invalid("the token has no subject (sub)");
    }
    return new Valid(subject, grants(claims.getClaim("grants")));
  }

  /** {@code *} matches any run of room-name characters; everything else is literal. */
  static boolean roomMatches(String pattern, String room) {
    String regex = Pattern.quote(pattern).replace("*", "\\E[A-Za-z0-9_-]*\\Q");
    return room.matches(regex);
  }

  private static Grants grants(Object claim) {
    if (!(claim instanceof Map<?, ?> m)) {
      return Grants.DEFAULT;
    }
    return new Grants(flag(m, "publish", true), flag(m, "broadcast", true), flag(m, "moderator", false));
  }

  private static boolean flag(Map<?, ?> m, String name, boolean fallback) {
    Object v = m.get(name);
    return v instanceof Boolean b ? b : fallback;
  }

  private boolean signatureValid(SignedJWT jwt) {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    try {
      if (JWSAlgorithm.HS256.equals(alg)) {
        for (JWSVerifier v : macVerifiers) {
          if (jwt.verify(v)) {
            return true;
          }
        }
        return false;
      }
      if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
        return false; // none, and anything we did not choose to accept
      }
      for (JWK key : publicKeys) {
        if (header.getKeyID() != null && key.getKeyID() != null && !header.getKeyID().equals(key.getKeyID())) {
          continue;
        }
        JWSVerifier v = verifierFor(key, alg);
        if (v != null && jwt.verify(v)) {
          return true;
        }
      }
      return false;
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) throws JOSEException {
    if (JWSAlgorithm.RS256.equals(alg) && key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (JWSAlgorithm.ES256.equals(alg) && key instanceof ECKey ec) {
      return new ECDSAVerifier(ec);
    }
    return null;
  }

  /** A {@code BEGIN PUBLIC KEY} PEM file (RSA or EC), read with the JDK alone. */
  private static JWK readPem(Path file) {
    try {
      String pem = Files.readString(file);
      String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
      PublicKey key;
      try {
        key = KeyFactory.getInstance("RSA").generatePublic(spec);
      } catch (GeneralSecurityException notRsa) {
        key = KeyFactory.getInstance("EC").generatePublic(spec);
      }
      if (key instanceof RSAPublicKey rsa) {
        return new RSAKey.Builder(rsa).build();
      }
      return new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) key).build();
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read public key " + file + " (a PEM 'PUBLIC KEY'): "
          + e.getMessage(), e);
    }
  }

  /** Mints an HS256 room token with the first configured secret (the CLI and, on open nodes, the demo app). */
  public String mint(String room, String subject, Duration ttl, Grants grants) {
    if (settings.hs256Secrets().isEmpty()) {
      throw new IllegalStateException("minting needs greenmesh.auth.hs256-secret (GREENMESH_AUTH_HS256_SECRET)");
    }
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(subject)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .issuer(settings.issuer().isEmpty() ? null : settings.issuer())
        .claim("room", room)
        .claim("grants", Map.of("publish", grants.publish(), "broadcast", grants.broadcast(),
            "moderator", grants.moderator()))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(settings.hs256Secrets().get(0).getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
