package io.greenmesh.turn.attribute;

import java.util.Objects;

/** REALM (RFC 8489 §14.9): the long-term credential realm. */
public record Realm(String value) implements StunAttribute {
    public Realm {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int type() {
        return AttributeType.REALM;
    }
}
