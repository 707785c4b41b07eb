package io.greenmesh.turn.attribute;

import java.util.Objects;

/** RESERVATION-TOKEN (RFC 8656 §18.9): 8 bytes naming a reserved relay port. */
public record ReservationToken(Octets value) implements StunAttribute {

    public ReservationToken {
        Objects.requireNonNull(value, "value");
        if (value.length() != 8) {
            throw new IllegalArgumentException("RESERVATION-TOKEN is 8 bytes");
        }
    }

    public ReservationToken(byte[] value) {
        this(Octets.of(value));
    }

    @Override
    public int type() {
        return AttributeType.RESERVATION_TOKEN;
    }
}
