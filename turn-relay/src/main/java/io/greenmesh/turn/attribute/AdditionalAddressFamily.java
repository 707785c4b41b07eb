package io.greenmesh.turn.attribute;

/** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): a second (IPv6) relayed address wanted. */
public record AdditionalAddressFamily(AddressFamily family) implements StunAttribute {
    public AdditionalAddressFamily {
        java.util.Objects.requireNonNull(family, "family");
    }

    @Override
    public int type() {
        return AttributeType.ADDITIONAL_ADDRESS_FAMILY;
    }
}
