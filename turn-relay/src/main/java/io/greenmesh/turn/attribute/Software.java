package io.greenmesh.turn.attribute;

import java.util.Objects;

/** SOFTWARE (RFC 8489 §14.14): a description of the agent. */
public record Software(String value) implements StunAttribute {
    public Software {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int type() {
        return AttributeType.SOFTWARE;
    }
}
