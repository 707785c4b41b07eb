package io.greenmesh.turn.attribute;

/** CHANNEL-NUMBER (RFC 8656 §18.1): a channel number; valid bindings use 0x4000..0x4FFF. */
public record ChannelNumber(int number) implements StunAttribute {
    public static final int MIN = 0x4000;
    public static final int MAX = 0x4FFF;

    /** True when the number lies in the range RFC 8656 §12 allows for ChannelBind. */
    public boolean isValid() {
        return number >= MIN && number <= MAX;
    }

    public ChannelNumber {
        if (number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("ChannelNumber out of range: " + number);
        }
    }

    @Override
    public int type() {
        return AttributeType.CHANNEL_NUMBER;
    }
}
