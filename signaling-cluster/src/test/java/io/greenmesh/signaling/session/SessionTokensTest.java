package io.greenmesh.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
  private final Clock now = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
  private final SessionTokens tokens = new SessionTokens("secret", Duration.ofHours(1), now);

  @Test
  void aTokenCarriesItsClaimsToAnyNodeWithTheSameSecret() {
    String t = tokens.issue("standup", "p1", "Ada Lovelace", "pbm");
    SessionTokens otherNode = new SessionTokens("secret", Duration.ofHours(1), now);
    SessionTokens.Claims c = otherNode.verify(t).orElseThrow();
    assertEquals("standup", c.room());
    assertEquals("p1", c.peerId());
    assertEquals("Ada Lovelace", c.displayName());
    assertEquals("pbm", c.grants());
  }

  @Test
  void forgedTamperedExpiredOrGarbageTokensAreRefused() {
    String t = tokens.issue("standup", "p1", "Ada", "pb");
    assertTrue(new SessionTokens("other", Duration.ofHours(1), now).verify(t).isEmpty());
    assertTrue(tokens.verify("x" + t).isEmpty());
    assertTrue(tokens.verify(t.substring(0, t.length() - 2)).isEmpty());
    Clock later = Clock.offset(now, Duration.ofHours(2));
    assertTrue(new SessionTokens("secret", Duration.ofHours(1), later).verify(t).isEmpty());
    for (String junk : new String[] {"", ".", "a.b", "a.b.c", "!!!.???", "\u0000"}) {
      assertTrue(tokens.verify(junk).isEmpty(), junk);
    }
  }
}
