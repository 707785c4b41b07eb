package io.greenmesh.signaling.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.signaling.protocol.IceServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {
  @Test
  void restApiFormIsExpiryColonPeerIdSignedWithHmacSha1() {
    // Reference value: printf '1700000000:peer' | openssl dgst -sha1 -hmac secret -binary | base64
    TurnCredentials.Credential c = TurnCredentials.issue("secret", "peer", Instant.ofEpochSecond(1_700_000_000L));
    assertEquals("1700000000:peer", c.username());
    assertEquals("m9GnlZWvaZKjLjGseKws6UpgiA0=", c.credential());
  }

  @Test
  void iceServersCarryStunAndFreshTurnCredentials() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC);
    IceServerProvider p = new IceServerProvider(List.of("stun:s:3478"), List.of("turn:t:3478?transport=udp"),
        "secret", Duration.ofHours(12), clock);
    List<IceServer> servers = p.forPeer("abc");
    assertEquals(2, servers.size());
    assertEquals(List.of("stun:s:3478"), servers.get(0).urls());
    assertEquals("44200:abc", servers.get(1).username());
    assertTrue(servers.get(1).credential().endsWith("="));
  }
}
