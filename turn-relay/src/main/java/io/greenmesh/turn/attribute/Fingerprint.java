package io.greenmesh.turn.attribute;

/** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message XOR 0x5354554e. */
public record Fingerprint(int crc) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.FINGERPRINT;
    }
}
