package io.greenmesh.turn.attribute;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable string of bytes, so that records carrying opaque values (HMACs, tokens, payloads) keep value
 * equality and cannot be changed through an array they were given or handed out.
 */
public final class Octets {

    private static final Octets EMPTY = new Octets(new byte[0]);
    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    public static Octets empty() {
        return EMPTY;
    }

    public int length() {
        return bytes.length;
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Octets that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 32 ? HexFormat.of().formatHex(bytes) : bytes.length + " bytes";
    }
}
