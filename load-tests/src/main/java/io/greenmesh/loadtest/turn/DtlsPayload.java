package io.greenmesh.loadtest.turn;

import java.nio.ByteBuffer;

/**
 * The relayed payload: a DTLS 1.2 application_data record (content type 23, version 0xFEFD, epoch 1, a 48-bit
 * record sequence number, the record length), so that GreenMesh's encrypted-only check relays it in {@code enforce}
 * mode without a handshake first. The record body starts with what the receiver measures: the step it belongs to,
 * the sender's {@code System.nanoTime()} and a sequence number; the rest is filler.
 *
 * <pre>
 *  0      content type 23        1-2  version 0xFEFD      3-4  epoch 1      5-10 sequence (48 bit)
 *  11-12  length = size - 13     13-16 step               17-24 send time (ns)  25.. filler
 * </pre>
 */
final class DtlsPayload {
  static final int CONTENT_TYPE_APPLICATION_DATA = 23;
  static final int VERSION_DTLS_1_2 = 0xFEFD;
  static final int RECORD_HEADER = 13;
  static final int STEP_AT = 13;
  static final int TIME_AT = 17;
  /** The smallest payload: record header, step and send time. */
  static final int MIN_SIZE = 25;

  private DtlsPayload() {}

  /**
   * Writes a whole payload of {@code size} bytes at {@code at} (absolute; the buffer's position is untouched).
   * Only {@link #stamp} needs calling per packet after this.
   */
  static void fill(ByteBuffer buf, int at, int size) {
    if (size < MIN_SIZE || size > 65_000) {
      throw new IllegalArgumentException("payload size must be " + MIN_SIZE + "..65000, not " + size);
    }
    buf.put(at, (byte) CONTENT_TYPE_APPLICATION_DATA);
    buf.putShort(at + 1, (short) VERSION_DTLS_1_2);
    buf.putShort(at + 3, (short) 1);
    buf.putShort(at + 11, (short) (size - RECORD_HEADER));
    for (int i = at + MIN_SIZE; i < at + size; i++) {
      buf.put(i, (byte) (0xA5 ^ i));
    }
  }

  /** Per packet: record sequence number, step and send time. */
  static void stamp(ByteBuffer buf, int at, long sequence, int step, long nanoTime) {
    buf.putShort(at + 5, (short) (sequence >>> 32));
    buf.putInt(at + 7, (int) sequence);
    buf.putInt(at + STEP_AT, step);
    buf.putLong(at + TIME_AT, nanoTime);
  }

  /** True when the {@code length} bytes at {@code at} have the shape {@link #fill} gives. */
  static boolean isOurs(ByteBuffer buf, int at, int length) {
    return length >= MIN_SIZE && (buf.get(at) & 0xFF) == CONTENT_TYPE_APPLICATION_DATA
        && (buf.getShort(at + 1) & 0xFFFF) == VERSION_DTLS_1_2
        && (buf.getShort(at + 11) & 0xFFFF) == length - RECORD_HEADER;
  }

  static int step(ByteBuffer buf, int at) {
    return buf.getInt(at + STEP_AT);
  }

  static long sendTime(ByteBuffer buf, int at) {
    return buf.getLong(at + TIME_AT);
  }

  static long sequence(ByteBuffer buf, int at) {
    return ((long) (buf.getShort(at + 5) & 0xFFFF) << 32) | (buf.getInt(at + 7) & 0xFFFFFFFFL);
  }
}
