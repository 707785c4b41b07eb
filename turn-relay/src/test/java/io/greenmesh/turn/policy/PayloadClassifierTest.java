package io.greenmesh.turn.policy;

import static io.greenmesh.turn.policy.PayloadClassifier.classify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7983 demultiplexing plus shape checks: only STUN, DTLS and (after DTLS) SRTP pass. */
class PayloadClassifierTest {

    private static final byte[] STUN_BINDING = StunEncoder.encode(StunMessage.request(Method.BINDING, List.of()));
    /** A DTLS 1.2 ClientHello record header plus a few body bytes. */
    private static final byte[] DTLS_CLIENT_HELLO = HexFormat.of().parseHex("16fefd000000000000000000050100000100");
    private static final byte[] DTLS_10_APPLICATION_DATA = HexFormat.of().parseHex("17feff00010000000000010003aabbcc");
    /** An RTP header: V=2, PT=111 (Opus), then a fake encrypted payload. */
    private static final byte[] SRTP = HexFormat.of().parseHex("806f0001000000010000000111223344556677");
    private static final byte[] SRTCP = HexFormat.of().parseHex("80c80006000000010000");

    @Test
    void stunNeedsTheMagicCookieAndAMatchingLength() {
        assertEquals(PayloadVerdict.STUN, classify(STUN_BINDING, false));
        byte[] noCookie = STUN_BINDING.clone();
        noCookie[5] = 0;
        assertEquals(PayloadVerdict.MALFORMED_STUN, classify(noCookie, false));
        byte[] lying = STUN_BINDING.clone();
        lying[3] = 8;
        assertEquals(PayloadVerdict.MALFORMED_STUN, classify(lying, false));
    }

    @Test
    void dtlsRecordsNeedAKnownContentTypeVersionAndLength() {
        assertEquals(PayloadVerdict.DTLS_HANDSHAKE, classify(DTLS_CLIENT_HELLO, false));
        assertEquals(PayloadVerdict.DTLS, classify(DTLS_10_APPLICATION_DATA, false));
        byte[] tlsVersion = DTLS_CLIENT_HELLO.clone();
        tlsVersion[1] = 0x03;
        tlsVersion[2] = 0x03; // TLS 1.2 version bytes are not DTLS
        assertEquals(PayloadVerdict.MALFORMED_DTLS, classify(tlsVersion, false));
        byte[] overlong = DTLS_CLIENT_HELLO.clone();
        overlong[12] = 0x7F;
        assertEquals(PayloadVerdict.MALFORMED_DTLS, classify(overlong, false));
        assertEquals(PayloadVerdict.MALFORMED_DTLS, classify(new byte[] {22, (byte) 0xFE}, false));
    }

    @Test
    void dtls13UnifiedHeadersAreAcceptedOnlyAfterAHandshakeRecord() {
        byte[] unified = new byte[40];
        unified[0] = 0x2C; // 001 C=0 S=1 L=1 EE=00
        unified[3] = 0;
        unified[4] = 30;
        assertEquals(PayloadVerdict.CIPHERTEXT_BEFORE_DTLS, classify(unified, false));
        assertEquals(PayloadVerdict.DTLS, classify(unified, true));
        unified[4] = 60; // length beyond the datagram
        assertEquals(PayloadVerdict.MALFORMED_DTLS, classify(unified, true));
        byte[] markup = "<html><body>secret</body></html>".getBytes(StandardCharsets.US_ASCII);
        assertEquals(PayloadVerdict.PLAINTEXT, classify(markup, false), "'<' is 0x3C, inside the unified-header range");
    }

    @Test
    void rtpIsOnlyRelayedOnceADtlsHandshakeWasSeen() {
        assertEquals(PayloadVerdict.CIPHERTEXT_BEFORE_DTLS, classify(SRTP, false));
        assertEquals(PayloadVerdict.SRTP, classify(SRTP, true));
        assertEquals(PayloadVerdict.SRTP, classify(SRTCP, true));
        assertEquals(PayloadVerdict.MALFORMED_RTP, classify(new byte[] {(byte) 0x80, 111, 0, 1}, true));
    }

    @Test
    void plaintextAndUnknownBytesAreDroppedWithTheirReason() {
        assertEquals(PayloadVerdict.PLAINTEXT, classify("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), true));
        assertEquals(PayloadVerdict.PLAINTEXT, classify("0123456789".getBytes(StandardCharsets.US_ASCII), true),
                "digits fall in the DTLS range but are not DTLS");
        assertEquals(PayloadVerdict.PLAINTEXT, classify("{\"a\":1}".getBytes(StandardCharsets.US_ASCII), true));
        assertEquals(PayloadVerdict.UNKNOWN, classify(new byte[] {(byte) 0xFF, 0, 1, 2}, true));
        assertEquals(PayloadVerdict.UNKNOWN, classify(new byte[] {16, 0, 0, 0}, true), "ZRTP range is not relayed");
        assertEquals(PayloadVerdict.EMPTY, classify(new byte[0], true));
        for (PayloadVerdict v : List.of(PayloadVerdict.PLAINTEXT, PayloadVerdict.UNKNOWN, PayloadVerdict.EMPTY)) {
            assertFalse(v.relay());
        }
    }

    @Test
    void classifiesAtAnOffsetInsideADirectBuffer() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.put(10, DTLS_CLIENT_HELLO);
        assertTrue(classify(direct, 10, DTLS_CLIENT_HELLO.length, false).relay());
    }
}
