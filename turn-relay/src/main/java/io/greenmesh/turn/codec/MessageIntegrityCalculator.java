package io.greenmesh.turn.codec;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC and CRC computations of RFC 8489 §14.5-14.7 over raw message bytes. */
public final class MessageIntegrityCalculator {

    /** FINGERPRINT is the CRC-32 XOR'd with this constant ("STUN"). */
    public static final int FINGERPRINT_XOR = 0x5354554e;

    private MessageIntegrityCalculator() {
    }

    /**
     * The HMAC over {@code message[0..attributeOffset)} with the header length field rewritten to end after an
     * integrity attribute of {@code hmacLength} bytes placed at {@code attributeOffset}.
     */
    static byte[] hmac(byte[] message, int attributeOffset, int hmacLength, byte[] key, boolean sha256) {
        int lengthField = attributeOffset + 4 + hmacLength - StunDecoder.HEADER;
        try {
            Mac mac = Mac.getInstance(sha256 ? "HmacSHA256" : "HmacSHA1");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, mac.getAlgorithm()));
            mac.update(message, 0, 2);
            mac.update((byte) (lengthField >>> 8));
            mac.update((byte) lengthField);
            mac.update(message, 4, attributeOffset - 4);
            byte[] full = mac.doFinal();
            if (hmacLength == full.length) {
                return full;
            }
            byte[] truncated = new byte[hmacLength];
            System.arraycopy(full, 0, truncated, 0, hmacLength);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable in this JDK", e);
        }
    }

    /** Verifies the integrity attribute whose header starts at {@code attributeOffset} in {@code message}. */
    static boolean verify(byte[] message, int attributeOffset, byte[] key, boolean sha256) {
        int length = ((message[attributeOffset + 2] & 0xFF) << 8) | (message[attributeOffset + 3] & 0xFF);
        byte[] expected = hmac(message, attributeOffset, length, key, sha256);
        byte[] actual = new byte[length];
        System.arraycopy(message, attributeOffset + 4, actual, 0, length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** The FINGERPRINT value for {@code message[0..end)} whose length field already counts the FINGERPRINT. */
    static int fingerprint(byte[] message, int end) {
        CRC32 crc = new CRC32();
        crc.update(message, 0, end);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
