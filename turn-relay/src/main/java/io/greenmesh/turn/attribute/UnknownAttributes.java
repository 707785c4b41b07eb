package io.greenmesh.turn.attribute;

import java.util.List;

/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): comprehension-required types the agent did not understand. */
public record UnknownAttributes(List<Integer> types) implements StunAttribute {
    public UnknownAttributes {
        types = List.copyOf(types);
    }

    @Override
    public int type() {
        return AttributeType.UNKNOWN_ATTRIBUTES;
    }
}
