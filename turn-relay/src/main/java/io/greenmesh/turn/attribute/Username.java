package io.greenmesh.turn.attribute;

import java.util.Objects;

/** USERNAME (RFC 8489 §14.3): UTF-8, at most 513 bytes. */
public record Username(String value) implements StunAttribute {
    public Username {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int type() {
        return AttributeType.USERNAME;
    }
}
