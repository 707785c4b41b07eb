package io.greenmesh.turn.attribute;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address of an allocation. */
public record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {
    public XorRelayedAddress {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
        return AttributeType.XOR_RELAYED_ADDRESS;
    }
}
