package io.greenmesh.turn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.Software;
import io.greenmesh.turn.attribute.UnknownAttribute;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorMappedAddress;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.server.TurnCredentials;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 5769: the codec decodes, verifies and re-encodes the published STUN test vectors exactly. */
class Rfc5769VectorsTest {

    private static final byte[] SHORT_TERM_KEY = Rfc5769Vectors.SHORT_TERM_PASSWORD.getBytes(StandardCharsets.UTF_8);

    private static DecodeResult.Decoded decoded(byte[] bytes) {
        return assertInstanceOf(DecodeResult.Decoded.class, StunDecoder.decode(bytes));
    }

    @Test
    void sampleRequestDecodesWithItsIceAttributesCarriedAsUnknown() {
        DecodeResult.Decoded d = decoded(Rfc5769Vectors.SAMPLE_REQUEST);
        assertEquals(MessageClass.REQUEST, d.message().messageClass());
        assertEquals(Method.BINDING, d.message().method());
        assertEquals("STUN test client", d.message().attribute(Software.class).orElseThrow().value());
        assertEquals("evtj:h6vY", d.message().attribute(Username.class).orElseThrow().value());
        assertEquals(2, d.message().all(UnknownAttribute.class).size(), "PRIORITY and ICE-CONTROLLED");
        assertTrue(d.verifyIntegrity(SHORT_TERM_KEY));
        assertFalse(d.verifyIntegrity("wrong".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sampleRequestReencodesByteForByte() {
        DecodeResult.Decoded d = decoded(Rfc5769Vectors.SAMPLE_REQUEST);
        byte[] again = StunEncoder.encode(d.message(), StunEncoder.Integrity.SHA1, SHORT_TERM_KEY, true, (byte) ' ');
        assertArrayEquals(Rfc5769Vectors.SAMPLE_REQUEST, again);
    }

    @Test
    void ipv4ResponseCarriesTheXorMappedAddressAndReencodes() {
        assertResponseVector(Rfc5769Vectors.IPV4_RESPONSE, new InetSocketAddress("192.0.2.1", 32853));
    }

    @Test
    void ipv6ResponseCarriesTheXorMappedAddressAndReencodes() {
        assertResponseVector(Rfc5769Vectors.IPV6_RESPONSE,
                new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    }

    private static void assertResponseVector(byte[] vector, InetSocketAddress mapped) {
        DecodeResult.Decoded d = decoded(vector);
        assertEquals(MessageClass.SUCCESS_RESPONSE, d.message().messageClass());
        assertEquals(mapped, d.message().attribute(XorMappedAddress.class).orElseThrow().address());
        assertTrue(d.verifyIntegrity(SHORT_TERM_KEY));
        byte[] again = StunEncoder.encode(d.message(), StunEncoder.Integrity.SHA1, SHORT_TERM_KEY, true, (byte) ' ');
        assertArrayEquals(vector, again);
    }

    @Test
    void longTermRequestVerifiesWithTheSaslPreppedPassword() {
        DecodeResult.Decoded d = decoded(Rfc5769Vectors.LONG_TERM_REQUEST);
        assertEquals(Rfc5769Vectors.LONG_TERM_USERNAME, d.message().attribute(Username.class).orElseThrow().value());
        assertEquals(Rfc5769Vectors.LONG_TERM_NONCE, d.message().attribute(Nonce.class).orElseThrow().value());
        assertEquals(Rfc5769Vectors.LONG_TERM_REALM, d.message().attribute(Realm.class).orElseThrow().value());
        assertEquals("TheMatrIX", SaslPrep.prepare(Rfc5769Vectors.LONG_TERM_PASSWORD));
        byte[] key = TurnCredentials.longTermKey(Rfc5769Vectors.LONG_TERM_USERNAME, Rfc5769Vectors.LONG_TERM_REALM,
                SaslPrep.prepare(Rfc5769Vectors.LONG_TERM_PASSWORD));
        assertTrue(d.verifyIntegrity(key));
        byte[] again = StunEncoder.encode(d.message(), StunEncoder.Integrity.SHA1, key, false);
        assertArrayEquals(Rfc5769Vectors.LONG_TERM_REQUEST, again);
    }
}
