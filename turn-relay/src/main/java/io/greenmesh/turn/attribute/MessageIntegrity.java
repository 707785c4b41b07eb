package io.greenmesh.turn.attribute;

import java.util.Objects;

/** MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to this attribute. */
public record MessageIntegrity(Octets value) implements StunAttribute {

    public MessageIntegrity {
        Objects.requireNonNull(value, "value");
        if (value.length() != 20) {
            throw new IllegalArgumentException("MESSAGE-INTEGRITY is 20 bytes");
        }
    }

    public MessageIntegrity(byte[] value) {
        this(Octets.of(value));
    }

    @Override
    public int type() {
        return AttributeType.MESSAGE_INTEGRITY;
    }
}
