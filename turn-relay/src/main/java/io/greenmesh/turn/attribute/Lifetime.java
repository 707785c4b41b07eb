package io.greenmesh.turn.attribute;

/** LIFETIME (RFC 8656 §18.2): requested or granted allocation lifetime in seconds. */
public record Lifetime(long seconds) implements StunAttribute {
    public Lifetime {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("Lifetime out of range: " + seconds);
        }
    }

    @Override
    public int type() {
        return AttributeType.LIFETIME;
    }
}
