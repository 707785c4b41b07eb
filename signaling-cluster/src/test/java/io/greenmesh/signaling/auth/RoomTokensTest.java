package io.greenmesh.signaling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.greenmesh.signaling.protocol.Grants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomTokensTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef-room-tokens";
  private final Clock now = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  private RoomTokens hs256(AuthSettings.Policy policy) {
    return new RoomTokens(new AuthSettings(policy, List.of(SECRET), List.of(), "", "", Duration.ofSeconds(30)), now);
  }

  @Test
  void aMintedTokenGrantsItsRoomWithItsSubjectAndGrants() {
    RoomTokens tokens = hs256(AuthSettings.Policy.TOKEN);
    String t = tokens.mint("standup", "Ada", Duration.ofHours(1), new Grants(true, false, true));
    RoomTokens.Valid v = assertInstanceOf(RoomTokens.Valid.class, tokens.verify(t, "standup"));
    assertEquals("Ada", v.subject());
    assertEquals(new Grants(true, false, true), v.grants());
  }

  @Test
  void wrongRoomExpiredForgedAndGarbageAreRefusedWithAReason() {
    RoomTokens tokens = hs256(AuthSettings.Policy.TOKEN);
    String t = tokens.mint("standup", "Ada", Duration.ofHours(1), Grants.DEFAULT);
    assertTrue(reason(tokens.verify(t, "other")).contains("not for room"));
    RoomTokens later = new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN, List.of(SECRET), List.of(), "", "",
        Duration.ofSeconds(30)), Clock.offset(now, Duration.ofHours(2)));
    assertTrue(reason(later.verify(t, "standup")).contains("expired"));
    RoomTokens otherSecret = new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN,
        List.of("another-secret-of-at-least-32-bytes!!"), List.of(), "", "", Duration.ofSeconds(30)), now);
    assertTrue(reason(otherSecret.verify(t, "standup")).contains("signature"));
    for (String junk : new String[] {"", "a.b.c", "not a jwt", t + "x"}) {
      assertInstanceOf(RoomTokens.Invalid.class, tokens.verify(junk, "standup"), junk);
    }
  }

  @Test
  void unsignedTokensAreRefused() {
    String none = new PlainJWT(new JWTClaimsSet.Builder().subject("eve").claim("room", "*")
        .expirationTime(Date.from(now.instant().plusSeconds(60))).build()).serialize();
    assertTrue(reason(hs256(AuthSettings.Policy.TOKEN).verify(none, "standup")).contains("not a signed JWT"));
  }

  @Test
  void roomPatternsMatchWholeNames() {
    assertTrue(RoomTokens.roomMatches("team-*", "team-blue"));
    assertTrue(RoomTokens.roomMatches("*", "anything_1"));
    assertFalse(RoomTokens.roomMatches("team-*", "other-team-blue"));
    assertFalse(RoomTokens.roomMatches("team.x", "teamAx"));
  }

  @Test
  void rs256WithAPemPublicKey(@TempDir Path dir) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    Path pem = dir.resolve("pub.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    RoomTokens tokens = new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN, List.of(), List.of(pem.toString()),
        "", "", Duration.ofSeconds(30)), now);
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims("room-*", "Bob"));
    jwt.sign(new RSASSASigner((RSAPrivateKey) pair.getPrivate()));
    assertEquals("Bob", assertInstanceOf(RoomTokens.Valid.class, tokens.verify(jwt.serialize(), "room-1")).subject());
  }

  @Test
  void es256WithAJwksFileAndKeyIds(@TempDir Path dir) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
    RoomTokens tokens = new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN, List.of(), List.of(),
        jwks.toString(), "https://id.example", Duration.ofSeconds(30)), now);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
        new JWTClaimsSet.Builder(claims("standup", "Cy")).issuer("https://id.example").build());
    jwt.sign(new ECDSASigner(key));
    assertInstanceOf(RoomTokens.Valid.class, tokens.verify(jwt.serialize(), "standup"));
    SignedJWT wrongIssuer = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
        claims("standup", "Cy"));
    wrongIssuer.sign(new ECDSASigner(key));
    assertTrue(reason(tokens.verify(wrongIssuer.serialize(), "standup")).contains("issuer"));
  }

  @Test
  void shortHs256SecretsAreAConfigurationError() {
    assertThrows(IllegalArgumentException.class, () -> new RoomTokens(new AuthSettings(AuthSettings.Policy.TOKEN,
        List.of("short"), List.of(), "", "", Duration.ofSeconds(30)), now));
  }

  private JWTClaimsSet claims(String room, String sub) {
    return new JWTClaimsSet.Builder().subject(sub).claim("room", room)
        .claim("grants", Map.of("moderator", true))
        .expirationTime(Date.from(now.instant().plusSeconds(600))).build();
  }

  private static String reason(RoomTokens.Check check) {
    return assertInstanceOf(RoomTokens.Invalid.class, check).reason();
  }
}
