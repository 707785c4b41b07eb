package io.greenmesh.turn.attribute;

import java.net.InetSocketAddress;
import java.util.Objects;

/** MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive address, not XOR'd (legacy). */
public record MappedAddress(InetSocketAddress address) implements StunAttribute {
    public MappedAddress {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
        return AttributeType.MAPPED_ADDRESS;
    }
}
