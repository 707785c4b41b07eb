package io.greenmesh.turn.codec;

import io.greenmesh.turn.attribute.AttributeType;
import io.greenmesh.turn.attribute.Fingerprint;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes STUN messages (RFC 8489 §5, §14). Hostile input never makes it throw: every byte sequence yields
 * either {@link DecodeResult.Decoded} or {@link DecodeResult.Malformed} with a short constant reason.
 */
public final class StunDecoder {

    static final int HEADER = StunMessage.HEADER_LENGTH;
    /** More attributes than this is an attack, not a client: real TURN requests carry fewer than 12. */
    static final int MAX_ATTRIBUTES = 48;

    private StunDecoder() {
    }

    /**
     * Cheap shape check used on the data path: top two bits zero, magic cookie, length a multiple of four and
     * matching {@code length}. Allocates nothing.
     */
    public static boolean isStun(byte[] b, int off, int length) {
        if (length < HEADER || (b[off] & 0xC0) != 0) {
            return false;
        }
        int messageLength = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        return (messageLength & 3) == 0 && messageLength + HEADER == length && readInt(b, off + 4) == StunMessage.MAGIC_COOKIE;
    }

    public static DecodeResult decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /** Decodes exactly {@code length} bytes from {@code b[off]}; trailing bytes make the message malformed. */
    public static DecodeResult decode(byte[] b, int off, int length) {
        try {
            return decodeChecked(b, off, length);
        } catch (RuntimeException e) {
            // A bug here must not become a crash on hostile bytes; tests assert this path is never taken.
            return new DecodeResult.Malformed("decoder error: " + e.getClass().getSimpleName());
        }
    }

    private static DecodeResult decodeChecked(byte[] in, int off, int length) {
        if (in == null || off < 0 || length < 0 || off + length > in.length || length < HEADER) {
            return new DecodeResult.Malformed("shorter than a STUN header");
        }
        if ((in[off] & 0xC0) != 0) {
            return new DecodeResult.Malformed("top two bits not zero");
        }
        if (readInt(in, off + 4) != StunMessage.MAGIC_COOKIE) {
            return new DecodeResult.Malformed("no magic cookie");
        }
        int messageLength = readU16(in, off + 2);
        if ((messageLength & 3) != 0) {
            return new DecodeResult.Malformed("length not a multiple of 4");
        }
        if (messageLength + HEADER != length) {
            return new DecodeResult.Malformed("length field does not match the datagram");
        }
        int type = readU16(in, off);
        int methodCode = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
        Method method = Method.fromCode(methodCode);
        if (method == null) {
            return new DecodeResult.Malformed("unknown method");
        }
        MessageClass messageClass = MessageClass.fromBits(((type >> 7) & 0b10) | ((type >> 4) & 0b01));
        byte[] raw = new byte[length];
        System.arraycopy(in, off, raw, 0, length);
        byte[] txId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        System.arraycopy(raw, 8, txId, 0, txId.length);

        List<StunAttribute> attributes = new ArrayList<>();
        int integrity = -1;
        int integritySha256 = -1;
        boolean fingerprint = false;
        int pos = HEADER;
        while (pos < length) {
            if (fingerprint) {
                return new DecodeResult.Malformed("attribute after FINGERPRINT");
            }
            if (length - pos < 4) {
                return new DecodeResult.Malformed("truncated attribute header");
            }
            int attributeType = readU16(raw, pos);
            int valueLength = readU16(raw, pos + 2);
            int padded = (valueLength + 3) & ~3;
            if (padded > length - pos - 4) {
                return new DecodeResult.Malformed("attribute overruns the message");
            }
            if (attributes.size() >= MAX_ATTRIBUTES) {
                return new DecodeResult.Malformed("too many attributes");
            }
            boolean afterIntegrity = integrity >= 0 || integritySha256 >= 0;
            boolean integrityFamily = attributeType == AttributeType.MESSAGE_INTEGRITY_SHA256
                    || attributeType == AttributeType.FINGERPRINT
                    || (attributeType == AttributeType.MESSAGE_INTEGRITY && integritySha256 < 0);
            // RFC 8489 §14.5/14.6: after an integrity attribute only the ones below it are considered.
            if (!afterIntegrity || integrityFamily) {
                StunAttribute attribute;
                try {
                    attribute = AttributeCodec.decode(attributeType, raw, pos + 4, valueLength, txId);
                } catch (AttributeCodec.BadAttribute e) {
                    return new DecodeResult.Malformed(e.getMessage());
                }
                switch (attributeType) {
                    case AttributeType.MESSAGE_INTEGRITY -> integrity = integrity < 0 ? pos : integrity;
                    case AttributeType.MESSAGE_INTEGRITY_SHA256 ->
                            integritySha256 = integritySha256 < 0 ? pos : integritySha256;
                    case AttributeType.FINGERPRINT -> {
                        fingerprint = true;
                        if (MessageIntegrityCalculator.fingerprint(raw, pos) != ((Fingerprint) attribute).crc()) {
                            return new DecodeResult.Malformed("FINGERPRINT mismatch");
                        }
                    }
                    default -> { }
                }
                attributes.add(attribute);
            }
            pos += 4 + padded;
        }
        StunMessage message = new StunMessage(messageClass, method, txId, attributes);
        return new DecodeResult.Decoded(message, raw, integrity, integritySha256);
    }

    static int readU16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
