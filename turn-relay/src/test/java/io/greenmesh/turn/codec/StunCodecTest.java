package io.greenmesh.turn.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.AddressFamily;
import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.DontFragment;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.EvenPort;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.MappedAddress;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.PasswordAlgorithm;
import io.greenmesh.turn.attribute.PasswordAlgorithms;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedAddressFamily;
import io.greenmesh.turn.attribute.AdditionalAddressFamily;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.ReservationToken;
import io.greenmesh.turn.attribute.Software;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.attribute.UnknownAttributes;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.attribute.XorRelayedAddress;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StunCodecTest {

    private static final byte[] KEY = "key".getBytes(StandardCharsets.UTF_8);

    private static StunMessage roundTrip(StunMessage message) {
        byte[] bytes = StunEncoder.encode(message, StunEncoder.Integrity.BOTH, KEY, true);
        DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, StunDecoder.decode(bytes));
        assertTrue(d.verifyIntegrity(KEY));
        return d.message();
    }

    @Test
    void everyModelledAttributeSurvivesARoundTripInEveryMethodAndClass() {
        List<StunAttribute> attributes = List.of(
                new MappedAddress(new InetSocketAddress("192.0.2.7", 1)),
                new XorPeerAddress(new InetSocketAddress("2001:db8::1", 65535)),
                new XorRelayedAddress(new InetSocketAddress("198.51.100.1", 50000)),
                new Username("1700000000:alice"), new Realm("greenmesh"), new Nonce("abc"), new Software("gm"),
                new ErrorCode(438, "Stale Nonce"), new UnknownAttributes(List.of(0x0024, 0x7FFF)),
                new Lifetime(0xFFFFFFFFL), new RequestedTransport(17),
                new RequestedAddressFamily(AddressFamily.IPV6), new AdditionalAddressFamily(AddressFamily.IPV6),
                new DontFragment(), new EvenPort(true), new ReservationToken(new byte[8]), new ChannelNumber(0x4001),
                new Data(new byte[] {1, 2, 3, 4, 5}), new PasswordAlgorithm(2),
                new PasswordAlgorithms(List.of(1, 2)));
        for (Method method : Method.values()) {
            for (MessageClass cls : MessageClass.values()) {
                StunMessage message = new StunMessage(cls, method, StunMessage.newTransactionId(), attributes);
                StunMessage back = roundTrip(message);
                assertEquals(method, back.method());
                assertEquals(cls, back.messageClass());
                assertEquals(attributes, back.attributes().subList(0, attributes.size()));
            }
        }
    }

    @Test
    void attributesAfterMessageIntegrityAreIgnoredExceptFingerprint() {
        StunMessage message = StunMessage.request(Method.BINDING, List.of(new Software("before")));
        byte[] signed = StunEncoder.encode(message, KEY, false);
        // Append SOFTWARE after MESSAGE-INTEGRITY by hand and fix the length.
        byte[] tail = StunEncoder.encode(StunMessage.request(Method.BINDING, List.of(new Software("after"))));
        byte[] both = new byte[signed.length + tail.length - 20];
        System.arraycopy(signed, 0, both, 0, signed.length);
        System.arraycopy(tail, 20, both, signed.length, tail.length - 20);
        ByteBuffer.wrap(both).putShort(2, (short) (both.length - 20));
        DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, StunDecoder.decode(both));
        assertEquals(List.of(new Software("before")), d.message().all(Software.class));
    }

    @Test
    void aFlippedBitInsideTheMessageBreaksTheFingerprint() {
        byte[] bytes = StunEncoder.encode(StunMessage.request(Method.BINDING, List.of(new Software("x"))), null, true);
        bytes[24] ^= 1;
        assertEquals(new DecodeResult.Malformed("FINGERPRINT mismatch"), StunDecoder.decode(bytes));
    }

    @Test
    void hostileHeadersAreMalformedWithAReason() {
        byte[] ok = StunEncoder.encode(StunMessage.request(Method.BINDING, List.of()));
        assertInstanceOf(DecodeResult.Decoded.class, StunDecoder.decode(ok));
        assertMalformed(new byte[3], "shorter than a STUN header");
        byte[] topBits = ok.clone();
        topBits[0] |= (byte) 0x80;
        assertMalformed(topBits, "top two bits not zero");
        byte[] cookie = ok.clone();
        cookie[4] = 0;
        assertMalformed(cookie, "no magic cookie");
        byte[] longer = new byte[ok.length + 4];
        System.arraycopy(ok, 0, longer, 0, ok.length);
        assertMalformed(longer, "length field does not match the datagram");
        byte[] method = ok.clone();
        method[1] = 0x0F; // method 0x00F is not a TURN method
        assertMalformed(method, "unknown method");
    }

    @Test
    void attributeLengthsAreCheckedAgainstTheMessage() {
        byte[] bytes = StunEncoder.encode(StunMessage.request(Method.ALLOCATE, List.of(new Lifetime(5))));
        bytes[22] = 0x10; // LIFETIME claims 0x1004 bytes
        assertMalformed(bytes, "attribute overruns the message");
        byte[] shortLifetime = StunEncoder.encode(StunMessage.request(Method.ALLOCATE, List.of(new Lifetime(5))));
        shortLifetime[23] = 2;
        assertMalformed(shortLifetime, "bad LIFETIME length");
    }

    @Test
    void channelDataIsFramedWithPaddingOnStreamsOnly() {
        ChannelData message = new ChannelData(0x4000, new byte[] {9, 9, 9, 9, 9});
        assertEquals(9, TurnFraming.encodeChannelData(message, false).length);
        byte[] stream = TurnFraming.encodeChannelData(message, true);
        assertEquals(12, stream.length);
        assertEquals(12, TurnFraming.streamFrameLength(stream[0], stream[1], stream[2], stream[3]));
        assertEquals(5, TurnFraming.channelDataLength(stream, 0, stream.length));
        assertEquals(0x4000, TurnFraming.channelNumber(stream, 0));
        assertEquals(-1, TurnFraming.channelDataLength(stream, 0, 8), "declared length longer than the datagram");
        assertEquals(-1, TurnFraming.streamFrameLength(0xC0, 0, 0, 0), "neither STUN nor ChannelData");
    }

    @Test
    void aDataIndicationWrittenInPlaceDecodesAsOne() {
        for (String peer : new String[] {"203.0.113.9", "2001:db8::9"}) {
            InetSocketAddress address = new InetSocketAddress(peer, 40000);
            byte[] ip = address.getAddress().getAddress();
            ByteBuffer buf = ByteBuffer.allocate(256);
            int payloadAt = TurnFraming.MAX_DATA_INDICATION_HEADER;
            buf.put(payloadAt, new byte[] {22, (byte) 0xFE, (byte) 0xFD, 7, 7});
            int start = TurnFraming.putDataIndicationHeader(buf, payloadAt, ip, 40000, 5, 0x0102030405060708L, 42);
            int end = TurnFraming.padTo4(buf, payloadAt, 5);
            byte[] wire = new byte[end - start];
            buf.get(start, wire);
            DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, StunDecoder.decode(wire));
            assertEquals(Method.DATA, d.message().method());
            assertEquals(MessageClass.INDICATION, d.message().messageClass());
            assertEquals(address, d.message().attribute(XorPeerAddress.class).orElseThrow().address());
            assertArrayEquals(new byte[] {22, (byte) 0xFE, (byte) 0xFD, 7, 7},
                    d.message().attribute(Data.class).orElseThrow().value().toByteArray());
            assertTrue(StunDecoder.isStun(wire, 0, wire.length));
        }
    }

    private static void assertMalformed(byte[] bytes, String reason) {
        assertEquals(new DecodeResult.Malformed(reason), StunDecoder.decode(bytes));
        assertFalse(StunDecoder.isStun(bytes, 0, bytes.length) && reason.startsWith("length"));
    }
}
