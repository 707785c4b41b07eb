package io.greenmesh.turn.codec;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.greenmesh.turn.policy.PayloadClassifier;

/**
 * Coverage-guided fuzzing of what the relay reads from the network: the STUN/TURN decoder, ChannelData framing and
 * the payload classifier never throw on hostile bytes. The suite replays the seed corpus (RFC 5769's request among
 * it); {@code scripts/fuzz.sh} fuzzes for a bounded time. Complements {@link StunDecoderFuzzTest}'s seeded mutations.
 */
class StunDecoderJazzerTest {

  @FuzzTest(maxDuration = "60s")
  void decodingNeverThrows(FuzzedDataProvider data) {
    boolean dtlsSeen = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    assertNotNull(StunDecoder.decode(bytes));
    if (bytes.length >= 4 && TurnFraming.isChannelData(bytes[0] & 0xFF)) {
      TurnFraming.channelDataLength(bytes, 0, bytes.length);
      TurnFraming.channelNumber(bytes, 0);
    }
    assertNotNull(PayloadClassifier.classify(bytes, dtlsSeen));
  }
}
