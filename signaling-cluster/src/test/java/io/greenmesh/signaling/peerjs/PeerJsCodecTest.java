package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PeerJS frames in and out, as the PeerJS server reads and writes them. */
class PeerJsCodecTest {

  @Test
  void heartbeatIsRecognised() {
    assertInstanceOf(PeerJsCodec.Heartbeat.class, PeerJsCodec.decode("{\"type\":\"HEARTBEAT\"}"));
  }

  @Test
  void relayedTypesKeepTheirPayloadVerbatimAndLoseAnyClaimedSrc() {
    PeerJsCodec.Transmission t = (PeerJsCodec.Transmission) PeerJsCodec.decode(
        "{\"type\":\"OFFER\",\"src\":\"mallory\",\"dst\":\"bob\","
            + "\"payload\":{\"type\":\"media\",\"sdp\":{\"x\":[1,2.5]}}}");
    assertEquals("OFFER", t.type());
    assertEquals("bob", t.dst());
    assertEquals("{\"type\":\"media\",\"sdp\":{\"x\":[1,2.5]}}", t.payload());
    assertEquals("media", t.connectionType());
    for (String type : List.of("ANSWER", "CANDIDATE", "LEAVE", "EXPIRE")) {
      assertEquals(type, ((PeerJsCodec.Transmission) PeerJsCodec.decode(
          "{\"type\":\"" + type + "\",\"dst\":\"bob\"}")).type());
    }
  }

  @Test
  void aMissingOrEmptyOrFalsyDstIsNoDstButATruthyNonStringOneIsIgnored() {
    for (String dst : List.of("", ",\"dst\":\"\"", ",\"dst\":null", ",\"dst\":0", ",\"dst\":false")) {
      PeerJsCodec.Transmission t = (PeerJsCodec.Transmission) PeerJsCodec.decode("{\"type\":\"LEAVE\"" + dst + "}");
      assertNull(t.dst(), dst);
      assertNull(t.payload());
    }
    for (String dst : List.of("5", "true", "{}", "[]")) {
      assertEquals(new PeerJsCodec.Ignored("dst-not-a-string"),
          PeerJsCodec.decode("{\"type\":\"OFFER\",\"dst\":" + dst + "}"));
    }
  }

  @Test
  void whatThePeerJsServerDoesNotHandleIsIgnoredWithAReasonAndNeverThrows() {
    assertEquals(new PeerJsCodec.Ignored("invalid-json"), PeerJsCodec.decode("{\"type\":"));
    assertEquals(new PeerJsCodec.Ignored("invalid-json"), PeerJsCodec.decode("[".repeat(10_000)));
    for (String notAnObject : List.of("[1]", "42", "\"OFFER\"", "null")) {
      assertEquals(new PeerJsCodec.Ignored("not-an-object"), PeerJsCodec.decode(notAnObject));
    }
    for (String unknown : List.of("{}", "{\"type\":7}", "{\"type\":\"offer\"}", "{\"type\":\"OPEN\"}",
        "{\"type\":\"ID-TAKEN\"}", "{\"type\":\"ERROR\"}")) {
      assertEquals(new PeerJsCodec.Ignored("unknown-type"), PeerJsCodec.decode(unknown));
    }
  }

  @Test
  void relayedMessagesAreWrittenInThePeerJsServersFieldOrder() {
    assertEquals("{\"type\":\"OFFER\",\"src\":\"a\",\"dst\":\"b\",\"payload\":{\"n\":1}}",
        PeerJsCodec.encode(new PeerJsMessage("OFFER", "a", "b", "{\"n\":1}")));
    assertEquals("{\"type\":\"EXPIRE\",\"src\":\"b\",\"dst\":\"a\"}",
        PeerJsCodec.encode(PeerJsMessage.expire("b", "a")));
    assertEquals("{\"type\":\"EXPIRE\",\"src\":\"b\",\"dst\":\"a\",\"payload\":null}",
        PeerJsCodec.encode(new PeerJsMessage("EXPIRE", "b", "a", "null")));
  }

  @Test
  void serverMessagesAreThePeerJsServersText() {
    assertEquals("{\"type\":\"OPEN\"}", PeerJsCodec.open());
    assertEquals("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}", PeerJsCodec.idTaken());
    assertEquals("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}",
        PeerJsCodec.error(PeerJsMessage.INVALID_KEY));
    assertEquals("[\"a\",\"b \\\"c\\\"\"]", PeerJsCodec.idList(List.of("a", "b \"c\"")));
  }

  @Test
  void thePathIsNormalisedAsThePeerJsClientDoesAndKeysHaveNoSlash() {
    assertEquals("/peerjs", PeerJsSettings.normalise("peerjs/"));
    assertEquals("/", PeerJsSettings.normalise("/"));
    assertEquals(List.of("a", "b"), settings("/a/b/", "k").pathSegments());
    assertEquals(List.of(), settings("/", "k").pathSegments());
    assertThrows(IllegalArgumentException.class, () -> settings("/p", "a/b"));
  }

  private static PeerJsSettings settings(String path, String key) {
    return new PeerJsSettings(true, path, key, false, Duration.ofSeconds(5), 1, Duration.ofSeconds(90), 1);
  }
}
