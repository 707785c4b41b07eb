package io.greenmesh.turn.codec;

import io.greenmesh.turn.attribute.AttributeType;
import io.greenmesh.turn.attribute.Fingerprint;
import io.greenmesh.turn.attribute.MessageIntegrity;
import io.greenmesh.turn.attribute.MessageIntegritySha256;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.message.StunMessage;
import java.nio.ByteBuffer;

/**
 * Encodes {@link StunMessage}s. MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT found in the
 * attribute list are skipped: the encoder computes and appends them itself, in the order RFC 8489 §14 requires.
 */
public final class StunEncoder {

    /** Which integrity attributes to append (RFC 8489 §9.2). */
    public enum Integrity {
        NONE, SHA1, SHA256, BOTH
    }

    private StunEncoder() {
    }

    /** Encodes without integrity and without FINGERPRINT. */
    public static byte[] encode(StunMessage message) {
        return encode(message, Integrity.NONE, null, false);
    }

    /** Encodes with MESSAGE-INTEGRITY (HMAC-SHA1) under {@code key} when non-null, then FINGERPRINT if asked. */
    public static byte[] encode(StunMessage message, byte[] key, boolean fingerprint) {
        return encode(message, key == null ? Integrity.NONE : Integrity.SHA1, key, fingerprint);
    }

    public static byte[] encode(StunMessage message, Integrity integrity, byte[] key, boolean fingerprint) {
        return encode(message, integrity, key, fingerprint, (byte) 0);
    }

    /** As above, padding with {@code paddingByte}: RFC 5769 vectors pad with spaces, we pad with zeros. */
    static byte[] encode(StunMessage message, Integrity integrity, byte[] key, boolean fingerprint, byte paddingByte) {
        if (integrity != Integrity.NONE && key == null) {
            throw new IllegalArgumentException("integrity needs a key");
        }
        byte[] txId = message.transactionId();
        ByteBuffer out = ByteBuffer.allocate(StunMessage.HEADER_LENGTH + 4 * 64 + bodyEstimate(message, txId));
        int type = typeField(message);
        out.putShort((short) type).putShort((short) 0).putInt(StunMessage.MAGIC_COOKIE).put(txId);
        for (StunAttribute attribute : message.attributes()) {
            if (attribute instanceof MessageIntegrity || attribute instanceof MessageIntegritySha256
                    || attribute instanceof Fingerprint) {
                continue;
            }
            putAttribute(out, attribute.type(), AttributeCodec.encode(attribute, txId), paddingByte);
        }
        if (integrity == Integrity.SHA1 || integrity == Integrity.BOTH) {
            putIntegrity(out, key, 20, false, AttributeType.MESSAGE_INTEGRITY);
        }
        if (integrity == Integrity.SHA256 || integrity == Integrity.BOTH) {
            putIntegrity(out, key, 32, true, AttributeType.MESSAGE_INTEGRITY_SHA256);
        }
        if (fingerprint) {
            int at = out.position();
            out.putShort(2, (short) (at + 8 - StunMessage.HEADER_LENGTH));
            int crc = MessageIntegrityCalculator.fingerprint(out.array(), at);
            out.putShort((short) AttributeType.FINGERPRINT).putShort((short) 4).putInt(crc);
        }
        out.putShort(2, (short) (out.position() - StunMessage.HEADER_LENGTH));
        byte[] result = new byte[out.position()];
        System.arraycopy(out.array(), 0, result, 0, result.length);
        return result;
    }

    /** The 14-bit message type: method bits interleaved with the two class bits (RFC 8489 §5). */
    static int typeField(StunMessage message) {
        int m = message.method().code();
        int c = message.messageClass().bits();
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0b01) << 4) | ((c & 0b10) << 7);
    }

    private static int bodyEstimate(StunMessage message, byte[] txId) {
        int size = 0;
        for (StunAttribute attribute : message.attributes()) {
            size += 4 + ((AttributeCodec.encode(attribute, txId).length + 3) & ~3);
        }
        return size;
    }

    private static void putAttribute(ByteBuffer out, int type, byte[] value, byte paddingByte) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value longer than 65535 bytes");
        }
        out.putShort((short) type).putShort((short) value.length).put(value);
        for (int i = value.length; (i & 3) != 0; i++) {
            out.put(paddingByte);
        }
    }

    private static void putIntegrity(ByteBuffer out, byte[] key, int length, boolean sha256, int type) {
        int at = out.position();
        byte[] hmac = MessageIntegrityCalculator.hmac(out.array(), at, length, key, sha256);
        out.putShort((short) type).putShort((short) length).put(hmac);
    }
}
