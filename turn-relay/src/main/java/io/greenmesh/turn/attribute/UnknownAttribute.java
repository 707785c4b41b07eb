package io.greenmesh.turn.attribute;

/** Any attribute this codec does not model, carried through unchanged. */
public record UnknownAttribute(int attributeType, Octets value) implements StunAttribute {

    public UnknownAttribute {
        if (attributeType < 0 || attributeType > 0xFFFF) {
            throw new IllegalArgumentException("attribute type out of range: " + attributeType);
        }
    }

    /** Types 0x0000..0x7FFF must be understood by the receiver (RFC 8489 §14). */
    public boolean comprehensionRequired() {
        return attributeType < 0x8000;
    }

    @Override
    public int type() {
        return attributeType;
    }
}
