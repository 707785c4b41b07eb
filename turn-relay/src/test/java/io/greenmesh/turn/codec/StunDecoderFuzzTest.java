package io.greenmesh.turn.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever bytes arrive, the decoder returns Decoded or Malformed, never throws, never reports a
 * decoder bug, and anything it accepts re-encodes to a message it accepts again. Seeded mutation of valid
 * messages (the RFC 5769 vectors and TURN requests) plus pure random bytes, bounded to about 8 seconds.
 */
class StunDecoderFuzzTest {

    private static final long SEED = 0x6E6D7475726EL;
    private static final long BUDGET_NANOS = 8_000_000_000L;
    private static final int MAX_CASES = 50_000_000;

    @Test
    void decoderNeverThrowsOnMutatedOrRandomBytes() {
        List<byte[]> corpus = corpus();
        SplittableRandom random = new SplittableRandom(SEED);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int cases = 0;
        int decoded = 0;
        while (cases < MAX_CASES && System.nanoTime() < deadline) {
            byte[] input = random.nextInt(10) == 0 ? randomBytes(random) : mutate(corpus.get(random.nextInt(corpus.size())), random);
            DecodeResult result = StunDecoder.decode(input, 0, input.length);
            assertNotNull(result);
            if (result instanceof DecodeResult.Malformed m) {
                assertFalse(m.reason().startsWith("decoder error"), () -> "decoder bug on " + hex(input) + ": " + m);
            } else if (result instanceof DecodeResult.Decoded d) {
                decoded++;
                d.verifyIntegrity(new byte[16]);
                byte[] again = StunEncoder.encode(d.message());
                assertTrue(StunDecoder.decode(again) instanceof DecodeResult.Decoded, () -> "re-encode of " + hex(input));
            }
            TurnFraming.channelDataLength(input, 0, input.length);
            if (input.length >= 4) {
                TurnFraming.streamFrameLength(input[0], input[1], input[2], input[3]);
            }
            cases++;
        }
        assertTrue(cases > 10_000, "ran " + cases + " cases");
        assertTrue(decoded > 100, "mutations kept some messages valid: " + decoded);
    }

    private static List<byte[]> corpus() {
        List<byte[]> corpus = new ArrayList<>(List.of(Rfc5769Vectors.SAMPLE_REQUEST, Rfc5769Vectors.IPV4_RESPONSE,
                Rfc5769Vectors.IPV6_RESPONSE, Rfc5769Vectors.LONG_TERM_REQUEST));
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        corpus.add(StunEncoder.encode(StunMessage.request(Method.ALLOCATE, List.of(new RequestedTransport(17),
                new Username("1:a"), new Realm("r"), new Nonce("n"), new Lifetime(600))), key, true));
        corpus.add(StunEncoder.encode(StunMessage.request(Method.CHANNEL_BIND, List.of(new ChannelNumber(0x4000),
                new XorPeerAddress(new InetSocketAddress("2001:db8::1", 9)))), key, false));
        return corpus;
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(128)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        if (b.length >= 8 && random.nextBoolean()) {
            b[0] &= 0x3F;
            b[4] = 0x21;
            b[5] = 0x12;
            b[6] = (byte) 0xA4;
            b[7] = 0x42;
        }
        return b;
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 2 -> { // attribute length fields are where parsers die: hit them
                    int at = 20 + 4 * random.nextInt(Math.max(1, (b.length - 20) / 4)) + 2;
                    if (at + 1 < b.length) {
                        b[at] = (byte) random.nextInt(256);
                        b[at + 1] = (byte) random.nextInt(256);
                    }
                }
                case 3 -> { // truncate and fix the header length so the header still looks right
                    int len = 20 + 4 * random.nextInt(Math.max(1, (b.length - 20) / 4 + 1));
                    byte[] cut = new byte[Math.min(len, b.length)];
                    System.arraycopy(b, 0, cut, 0, cut.length);
                    b = cut;
                    if (b.length >= 4) {
                        b[2] = (byte) ((b.length - 20) >> 8);
                        b[3] = (byte) (b.length - 20);
                    }
                }
                default -> { // grow with random tail
                    byte[] grown = new byte[b.length + 4 * (1 + random.nextInt(4))];
                    System.arraycopy(b, 0, grown, 0, b.length);
                    for (int i = b.length; i < grown.length; i++) {
                        grown[i] = (byte) random.nextInt(256);
                    }
                    b = grown;
                    b[2] = (byte) ((b.length - 20) >> 8);
                    b[3] = (byte) (b.length - 20);
                }
            }
        }
        return b;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
