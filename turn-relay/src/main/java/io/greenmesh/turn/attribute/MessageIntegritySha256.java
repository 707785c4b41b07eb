package io.greenmesh.turn.attribute;

import java.util.Objects;

/** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256, 16 to 32 bytes; the encoder writes 32. */
public record MessageIntegritySha256(Octets value) implements StunAttribute {

    public MessageIntegritySha256 {
        Objects.requireNonNull(value, "value");
        if (value.length() < 16 || value.length() > 32 || value.length() % 4 != 0) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY-SHA256 is 16..32 bytes in steps of 4");
        }
    }

    public MessageIntegritySha256(byte[] value) {
        this(Octets.of(value));
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY_SHA256;
    }
}
