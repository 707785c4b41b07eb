package io.greenmesh.signaling.transport;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a WebSocket connection and the actor behind it say to each other, the same for every protocol this node
 * speaks (native signaling and PeerJS): the transport ({@link FrameStage}) reads whole messages and writes frames,
 * the actor decodes, decides and encodes. The two protocols differ only in their codec and their session semantics.
 */
public final class Connection {

  private Connection() {}

  /** A whole message as the transport read it. */
  public sealed interface Received {}

  public record Text(String json) implements Received {}

  /** A binary message, decoded as UTF-8 (PeerJS reads binary frames as JSON text; the native protocol refuses them). */
  public record Binary(String utf8) implements Received {}

  /** A message over the size limit; its content was discarded unread. */
  public record Oversized() implements Received {}

  /** Acknowledges one received message: only then is the next one read (that is the inbound backpressure). */
  public enum Ack { INSTANCE }

  /** What the actor sends to its connection. */
  public sealed interface Outbound {}

  public record Send(String json) implements Outbound {}

  /** Sends a WebSocket Close with {@code code} (RFC 6455 §7.4) after the frames queued before it. */
  public record Close(int code, String reason) implements Outbound {}

  public static final int NORMAL = 1000;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int POLICY_VIOLATION = 1008;
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int TRY_AGAIN_LATER = 1013;

  /** The actor side of one connection, as the transport sees it. */
  public interface Handler {
    /** A message, to acknowledge with {@link Ack} to {@code ack} once handled. */
    void received(Received message, ActorRef<Ack> ack);

    /** The connection ended (either side closed it, or it failed); called once. */
    void closed();

    /** The client did not read and its outbound queue overflowed; the connection is being cut. */
    void slowReader();
  }

  /** Starts the actor of a new connection, given where its frames go. */
  public interface Opener {
    Handler open(ActorRef<Outbound> socket);
  }
}
