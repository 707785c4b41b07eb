package io.greenmesh.turn.message;

import io.greenmesh.turn.attribute.Octets;

/**
 * A ChannelData message (RFC 8656 §12.4): a 2-byte channel number, a 2-byte length and the application data.
 * The wire format allows 0x4000..0x7FFF (RFC 5766); which numbers a relay binds is its configuration.
 * This record is for the control plane and tests; the data path frames ChannelData in place without it.
 */
public record ChannelData(int channelNumber, Octets data) {

    public static final int HEADER_LENGTH = 4;

    public ChannelData {
        if (channelNumber < 0x4000 || channelNumber > 0x7FFF) {
            throw new IllegalArgumentException("channel number outside 0x4000..0x7FFF: " + channelNumber);
        }
        if (data.length() > 0xFFFF) {
            throw new IllegalArgumentException("ChannelData carries at most 65535 bytes");
        }
    }

    public ChannelData(int channelNumber, byte[] data) {
        this(channelNumber, Octets.of(data));
    }
}
