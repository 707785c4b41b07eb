package io.greenmesh.turn.attribute;

import java.util.List;

/** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the algorithms the server offers, parameters omitted. */
public record PasswordAlgorithms(List<Integer> algorithms) implements StunAttribute {
    public PasswordAlgorithms {
        algorithms = List.copyOf(algorithms);
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHMS;
    }
}
