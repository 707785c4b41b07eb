package io.greenmesh.signaling.peerjs;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the PeerJS frame decoder: any frame decodes to something the connection can act on, and
 * never throws. The normal suite replays the seed corpus; {@code scripts/fuzz.sh} fuzzes for a bounded time.
 */
class PeerJsCodecFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void decodingNeverThrows(FuzzedDataProvider data) {
    assertNotNull(PeerJsCodec.decode(data.consumeRemainingAsString()));
  }
}
