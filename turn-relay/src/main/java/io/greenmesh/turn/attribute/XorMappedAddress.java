package io.greenmesh.turn.attribute;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the client's reflexive transport address. */
public record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
    public XorMappedAddress {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
        return AttributeType.XOR_MAPPED_ADDRESS;
    }
}
