package io.greenmesh.loadtest.wsload;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A client WebSocket text frame (RFC 6455 §5.2) encoded once, with a fixed-width stamp in its JSON payload that is
 * patched per message: {@code "lg":"SSSSTTTTTTTTTTTTTTTTQQQQQQQQ"}, 4 hex digits of step, 16 of the intended send
 * time ({@link System#nanoTime()}) and 8 of the sender's sequence number. The stamp is a JSON string, so a server
 * that re-serializes the payload keeps it as it is, and a receiver finds it by its marker instead of parsing JSON.
 *
 * <p>The masking key is zero (§5.3 requires a client to mask, and any key is valid; masking with zero leaves the
 * payload as it is), so the payload bytes need no XOR per message.
 */
public final class StampedFrame {
  /** What precedes the stamp in the payload; servers relay it untouched. */
  public static final String MARKER = "\"lg\":\"";
  static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);
  /** The placeholder written where the stamp goes: {@code "lg":"} followed by this. */
  public static final String SLOT = "0".repeat(28);
  static final int STAMP_LENGTH = SLOT.length();

  private final byte[] frame;
  private final int stampOffset;

  private StampedFrame(byte[] frame, int stampOffset) {
    this.frame = frame;
    this.stampOffset = stampOffset;
  }

  /** {@code payload}, a JSON text holding {@link #MARKER} + {@link #SLOT} once, as a masked text frame. */
  public static StampedFrame of(String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    int slot = indexOf(p, (MARKER + SLOT).getBytes(StandardCharsets.US_ASCII));
    if (slot < 0) {
      throw new IllegalArgumentException("payload has no stamp slot " + MARKER + SLOT);
    }
    byte[] header = header(p.length);
    byte[] frame = new byte[header.length + p.length];
    System.arraycopy(header, 0, frame, 0, header.length);
    System.arraycopy(p, 0, frame, header.length, p.length);
    return new StampedFrame(frame, header.length + slot + MARKER_BYTES.length);
  }

  /** A masked text frame without a stamp (heartbeats, joins). */
  public static byte[] plain(String payload) {
    byte[] p = payload.getBytes(StandardCharsets.UTF_8);
    byte[] header = header(p.length);
    byte[] frame = new byte[header.length + p.length];
    System.arraycopy(header, 0, frame, 0, header.length);
    System.arraycopy(p, 0, frame, header.length, p.length);
    return frame;
  }

  /** FIN + text opcode, the MASK bit and the payload length (7, 7+16 or 7+64 bits), then a zero masking key. */
  static byte[] header(int length) {
    int lengthBytes = length < 126 ? 0 : length <= 0xFFFF ? 2 : 8;
    byte[] h = new byte[2 + lengthBytes + 4];
    h[0] = (byte) 0x81;
    if (lengthBytes == 0) {
      h[1] = (byte) (0x80 | length);
    } else if (lengthBytes == 2) {
      h[1] = (byte) (0x80 | 126);
      h[2] = (byte) (length >>> 8);
      h[3] = (byte) length;
    } else {
      h[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        h[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
    }
    return h; // the last four bytes, the masking key, stay zero
  }

  public int length() {
    return frame.length;
  }

  /** Appends this frame to {@code out} with the stamp {@code step}, {@code sentNanos}, {@code seq}. */
  public void writeTo(ByteBuf out, int step, long sentNanos, int seq) {
    int start = out.writerIndex();
    out.writeBytes(frame);
    int at = start + stampOffset;
    hex(out, at, step, 4);
    hex(out, at + 4, sentNanos, 16);
    hex(out, at + 20, seq & 0xFFFFFFFFL, 8);
  }

  /** The frame's bytes with an all-zero stamp (tests). */
  byte[] bytes() {
    return frame.clone();
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static void hex(ByteBuf out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out.setByte(at + i, HEX[(int) (value & 0xF)]);
      value >>>= 4;
    }
  }

  /** A stamp read back from a received payload. */
  public record Stamp(int step, long sentNanos, int seq) {}

  /**
   * The stamp in {@code payload} (readable bytes, unmasked), or null if it has none. Scans for the marker, then
   * reads 28 hex digits: no JSON parsing, no allocation but the result.
   */
  public static Stamp find(ByteBuf payload) {
    int from = payload.readerIndex();
    int to = payload.writerIndex() - MARKER_BYTES.length - STAMP_LENGTH;
    outer:
    for (int i = from; i <= to; i++) {
      if (payload.getByte(i) != '"') {
        continue;
      }
      for (int k = 1; k < MARKER_BYTES.length; k++) {
        if (payload.getByte(i + k) != MARKER_BYTES[k]) {
          continue outer;
        }
      }
      int at = i + MARKER_BYTES.length;
      long step = unhex(payload, at, 4);
      long nanos = unhex(payload, at + 4, 16);
      long seq = unhex(payload, at + 20, 8);
      if (step < 0 || nanos == -1 || seq < 0) {
        return null;
      }
      return new Stamp((int) step, nanos, (int) seq);
    }
    return null;
  }

  private static long unhex(ByteBuf b, int at, int digits) {
    long v = 0;
    for (int i = 0; i < digits; i++) {
      int c = b.getByte(at + i);
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
