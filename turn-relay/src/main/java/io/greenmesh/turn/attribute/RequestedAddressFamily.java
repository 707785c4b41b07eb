package io.greenmesh.turn.attribute;

/** REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6): the family of the relayed address wanted. */
public record RequestedAddressFamily(AddressFamily family) implements StunAttribute {
    public RequestedAddressFamily {
        java.util.Objects.requireNonNull(family, "family");
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_ADDRESS_FAMILY;
    }
}
