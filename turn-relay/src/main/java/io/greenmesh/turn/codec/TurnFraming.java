package io.greenmesh.turn.codec;

import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.StunMessage;
import java.nio.ByteBuffer;

/**
 * Framing shared by the transports: ChannelData headers (RFC 8656 §12.4), stream framing over TCP/TLS with its
 * 4-byte ChannelData padding (§12.5), and the header of a Data indication written in place. Nothing here
 * allocates, so the data path can use it per packet.
 */
public final class TurnFraming {

    /** Largest Data indication header: 20 STUN + XOR-PEER-ADDRESS (4+20) + DATA header (4). */
    public static final int MAX_DATA_INDICATION_HEADER = 48;

    private TurnFraming() {
    }

    /** First two bits 01: a ChannelData message (RFC 7983 range 64..79 as used by TURN). */
    public static boolean isChannelData(int firstByte) {
        return (firstByte & 0xC0) == 0x40;
    }

    /**
     * The ChannelData payload length if {@code b[off..off+available)} holds a ChannelData message whose declared
     * length fits (UDP may add up to 3 padding bytes), else -1.
     */
    public static int channelDataLength(byte[] b, int off, int available) {
        if (available < ChannelData.HEADER_LENGTH || !isChannelData(b[off] & 0xFF)) {
            return -1;
        }
        int length = StunDecoder.readU16(b, off + 2);
        return length <= available - ChannelData.HEADER_LENGTH ? length : -1;
    }

    public static int channelNumber(byte[] b, int off) {
        return StunDecoder.readU16(b, off);
    }

    /**
     * The full length of the next frame on a TCP/TLS stream, judged from its first four bytes: a STUN message
     * (20 + length) or ChannelData padded to four bytes; -1 when the bytes start neither.
     */
    public static int streamFrameLength(int b0, int b1, int b2, int b3) {
        int length = ((b2 & 0xFF) << 8) | (b3 & 0xFF);
        if ((b0 & 0xC0) == 0) {
            return (length & 3) == 0 ? StunMessage.HEADER_LENGTH + length : -1;
        }
        if (isChannelData(b0)) {
            return ChannelData.HEADER_LENGTH + ((length + 3) & ~3);
        }
        return -1;
    }

    /** Encodes a ChannelData message; {@code streamPadding} pads to four bytes as TCP and TLS require. */
    public static byte[] encodeChannelData(ChannelData message, boolean streamPadding) {
        byte[] data = message.data().toByteArray();
        int padded = streamPadding ? (data.length + 3) & ~3 : data.length;
        byte[] out = new byte[ChannelData.HEADER_LENGTH + padded];
        out[0] = (byte) (message.channelNumber() >>> 8);
        out[1] = (byte) message.channelNumber();
        out[2] = (byte) (data.length >>> 8);
        out[3] = (byte) data.length;
        System.arraycopy(data, 0, out, ChannelData.HEADER_LENGTH, data.length);
        return out;
    }

    /** Writes a ChannelData header at absolute index {@code at}. */
    public static void putChannelDataHeader(ByteBuffer buf, int at, int channel, int length) {
        buf.putShort(at, (short) channel);
        buf.putShort(at + 2, (short) length);
    }

    /** The Data indication header length for a peer address of 4 or 16 bytes. */
    public static int dataIndicationHeaderLength(int addressLength) {
        return StunMessage.HEADER_LENGTH + 4 + 4 + addressLength + 4;
    }

    /**
     * Writes a Data indication header (RFC 8656 §11.4) ending exactly at absolute index {@code end}, where the
     * {@code dataLength} payload bytes already are, and returns where the header starts. Padding after the
     * payload is the caller's: {@link #padTo4(ByteBuffer, int, int)}.
     */
    public static int putDataIndicationHeader(ByteBuffer buf, int end, byte[] peerAddress, int peerPort,
                                              int dataLength, long txHigh, int txLow) {
        int start = end - dataIndicationHeaderLength(peerAddress.length);
        int bodyLength = 4 + 4 + peerAddress.length + 4 + ((dataLength + 3) & ~3);
        int p = start;
        buf.putShort(p, (short) 0x0017); // Data indication: method 0x007, class indication
        buf.putShort(p + 2, (short) bodyLength);
        buf.putInt(p + 4, StunMessage.MAGIC_COOKIE);
        buf.putLong(p + 8, txHigh);
        buf.putInt(p + 16, txLow);
        p += StunMessage.HEADER_LENGTH;
        buf.putShort(p, (short) 0x0012); // XOR-PEER-ADDRESS
        buf.putShort(p + 2, (short) (4 + peerAddress.length));
        buf.put(p + 4, (byte) 0);
        buf.put(p + 5, (byte) (peerAddress.length == 4 ? 1 : 2));
        buf.putShort(p + 6, (short) (peerPort ^ (StunMessage.MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < peerAddress.length; i++) {
            int mask;
            if (i < 4) {
                mask = StunMessage.MAGIC_COOKIE >>> (24 - 8 * i);
            } else if (i < 12) {
                mask = (int) (txHigh >>> (56 - 8 * (i - 4)));
            } else {
                mask = txLow >>> (24 - 8 * (i - 12));
            }
            buf.put(p + 8 + i, (byte) (peerAddress[i] ^ mask));
        }
        p += 8 + peerAddress.length;
        buf.putShort(p, (short) 0x0013); // DATA
        buf.putShort(p + 2, (short) dataLength);
        return start;
    }

    /** Zero-pads {@code [at, at+length)} up to a multiple of four; returns the padded end. */
    public static int padTo4(ByteBuffer buf, int at, int length) {
        int end = at + length;
        while (((end - at) & 3) != 0) {
            buf.put(end++, (byte) 0);
        }
        return end;
    }
}
