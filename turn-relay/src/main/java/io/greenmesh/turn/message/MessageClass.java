package io.greenmesh.turn.message;

/** The two class bits of a STUN message type (RFC 8489 §5). */
public enum MessageClass {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS_RESPONSE(0b10),
    ERROR_RESPONSE(0b11);

    private final int bits;

    MessageClass(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    public static MessageClass fromBits(int bits) {
        return values()[bits & 0b11];
    }
}
