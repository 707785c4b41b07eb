package io.greenmesh.signaling.protocol;

/** The {@code code} of an {@code error} message, as documented in docs/protocol.md. */
public enum ErrorCode {
  BAD_REQUEST("bad-request"),
  UNKNOWN_TYPE("unknown-type"),
  TOO_LARGE("too-large"),
  RATE_LIMITED("rate-limited"),
  ROOM_FULL("room-full"),
  NOT_JOINED("not-joined"),
  UNKNOWN_PEER("unknown-peer"),
  UNAUTHORIZED("unauthorized"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The code as it appears on the wire. */
  public String wire() {
    return wire;
  }
}
