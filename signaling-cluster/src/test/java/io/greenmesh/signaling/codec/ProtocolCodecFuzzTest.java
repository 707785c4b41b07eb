package io.greenmesh.signaling.codec;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.greenmesh.signaling.protocol.ServerMessage;

/**
 * Coverage-guided fuzzing of the signaling decoder: whatever a client sends, decoding returns a message or an error
 * and never throws, and every error it produces can be encoded back to the client. The normal suite replays the seed
 * corpus in {@code ProtocolCodecFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes for a bounded time.
 */
class ProtocolCodecFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void decodingNeverThrows(FuzzedDataProvider data) {
    String frame = data.consumeRemainingAsString();
    DecodeResult result = ProtocolCodec.decode(frame);
    assertNotNull(result);
    if (result instanceof DecodeResult.Rejected r) {
      assertNotNull(ProtocolCodec.encode(new ServerMessage.Error(r.code(), r.message(), r.ref())));
    }
  }
}
