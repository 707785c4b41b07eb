package io.greenmesh.turn.attribute;

import java.net.InetSocketAddress;
import java.util.Objects;

/** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's address as seen from the relay. */
public record XorPeerAddress(InetSocketAddress address) implements StunAttribute {
    public XorPeerAddress {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public int type() {
        return AttributeType.XOR_PEER_ADDRESS;
    }
}
