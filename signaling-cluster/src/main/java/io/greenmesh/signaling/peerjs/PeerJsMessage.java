package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.CborSerializable;

/**
 * A PeerJS transmission as the PeerJS server relays it: {@code type}, {@code src} (always the sender's id, set by the
 * server), {@code dst} and {@code payload}, kept as raw JSON text ({@code null} when the sender sent none).
 */
public record PeerJsMessage(String type, String src, String dst, String payload) implements CborSerializable {

  /** Message types of the PeerJS server protocol (peer's {@code MessageType}). */
  public static final String OPEN = "OPEN";
  public static final String LEAVE = "LEAVE";
  public static final String CANDIDATE = "CANDIDATE";
  public static final String OFFER = "OFFER";
  public static final String ANSWER = "ANSWER";
  public static final String EXPIRE = "EXPIRE";
  public static final String HEARTBEAT = "HEARTBEAT";
  public static final String ID_TAKEN = "ID-TAKEN";
  public static final String ERROR = "ERROR";

  /** The server's error texts (peer's {@code Errors}), sent as {@code {"type":"ERROR","payload":{"msg":...}}}. */
  public static final String INVALID_KEY = "Invalid key provided";
  public static final String INVALID_WS_PARAMETERS = "No id, token, or key supplied to websocket server";
  public static final String CONNECTION_LIMIT_EXCEED = "Server has reached its concurrent user limit";
  /** The payload message of ID-TAKEN. */
  public static final String ID_IS_TAKEN = "ID is taken";

  /** What the peer's entity sends back when an offer or a candidate waited longer than the expire timeout. */
  public static PeerJsMessage expire(String unavailablePeer, String sender) {
    return new PeerJsMessage(EXPIRE, unavailablePeer, sender, null);
  }
}
