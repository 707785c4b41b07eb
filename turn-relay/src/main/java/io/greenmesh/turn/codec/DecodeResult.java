package io.greenmesh.turn.codec;

import io.greenmesh.turn.message.StunMessage;

/** What {@link StunDecoder} makes of some bytes: a message, or the reason they are not one. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Malformed {

    /**
     * A well-formed message. {@code raw} is a copy of exactly the message bytes, kept so that
     * MESSAGE-INTEGRITY can be checked once the key is known; the offsets are -1 when the attribute is absent.
     */
    record Decoded(StunMessage message, byte[] raw, int integrityOffset, int integritySha256Offset)
            implements DecodeResult {

        public boolean hasIntegrity() {
            return integrityOffset >= 0 || integritySha256Offset >= 0;
        }

        /**
         * Checks MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY, against the long-term key
         * (RFC 8489 §9.2.4). False when the message carries neither.
         */
        public boolean verifyIntegrity(byte[] key) {
            if (integritySha256Offset >= 0) {
                return MessageIntegrityCalculator.verify(raw, integritySha256Offset, key, true);
            }
            if (integrityOffset >= 0) {
                return MessageIntegrityCalculator.verify(raw, integrityOffset, key, false);
            }
            return false;
        }
    }

    /** Bytes that are not a valid STUN message; {@code reason} is a short, constant description. */
    record Malformed(String reason) implements DecodeResult {
    }
}
