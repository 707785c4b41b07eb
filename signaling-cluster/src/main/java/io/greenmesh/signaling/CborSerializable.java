package io.greenmesh.signaling;

/**
 * Marker for every message that may cross nodes. Bound to Jackson CBOR in application.conf, so nothing in the
 * cluster ever falls back to Java serialization.
 */
public interface CborSerializable {}
