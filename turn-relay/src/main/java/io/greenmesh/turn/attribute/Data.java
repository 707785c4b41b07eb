package io.greenmesh.turn.attribute;

import java.util.Objects;

/** DATA (RFC 8656 §18.4): the application payload of a Send or Data indication. */
public record Data(Octets value) implements StunAttribute {

    public Data {
        Objects.requireNonNull(value, "value");
    }

    public Data(byte[] value) {
        this(Octets.of(value));
    }

    @Override
    public int type() {
        return AttributeType.DATA;
    }
}
