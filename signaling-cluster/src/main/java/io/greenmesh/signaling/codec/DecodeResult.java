package io.greenmesh.signaling.codec;

import io.greenmesh.signaling.protocol.ClientMessage;
import io.greenmesh.signaling.protocol.ErrorCode;

/** The outcome of decoding one frame: a message, or the error to answer with. Decoding never throws. */
public sealed interface DecodeResult {

  record Decoded(ClientMessage message) implements DecodeResult {}

  /** {@code ref} is the frame's {@code type} when it could be read, else null. */
  record Rejected(ErrorCode code, String message, String ref) implements DecodeResult {}
}
