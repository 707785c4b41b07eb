package io.greenmesh.signaling.config;

/** A port the node needs is taken; the message names it and the variable that sets it. */
public final class PortInUseException extends RuntimeException {
  public PortInUseException(String message) {
    super(message, null, false, false);
  }
}
