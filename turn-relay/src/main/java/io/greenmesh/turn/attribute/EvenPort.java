package io.greenmesh.turn.attribute;

/** EVEN-PORT (RFC 8656 §18.10): ask for an even relay port; R reserves the next one too. */
public record EvenPort(boolean reserveNext) implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.EVEN_PORT;
    }
}
