package io.greenmesh.turn.attribute;

import java.util.Objects;

/** NONCE (RFC 8489 §14.10): the server-issued nonce. */
public record Nonce(String value) implements StunAttribute {
    public Nonce {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int type() {
        return AttributeType.NONCE;
    }
}
