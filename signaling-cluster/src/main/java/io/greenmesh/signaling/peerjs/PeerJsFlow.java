package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.transport.Connection;
import io.greenmesh.signaling.transport.FrameStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * The PeerJS endpoint's connections, on the same transport as the native one ({@link FrameStage}): one
 * {@link PeerJsConnection} per socket. Binary frames are read as UTF-8 JSON, as the PeerJS server reads them.
 */
final class PeerJsFlow {
  private static final AtomicLong COUNTER = new AtomicLong();

  private final ActorSystem<?> system;
  private final PeerJsNode node;

  PeerJsFlow(ActorSystem<?> system, PeerJsNode node) {
    this.system = system;
    this.node = node;
  }

  /**
   * A socket whose client asked for {@code id} with {@code token} and the right key; {@code onClose} runs once when it
   * ends, however it ends.
   */
  FrameStage connect(String id, String token, Runnable onClose) {
    return new FrameStage(socket -> {
      ActorRef<PeerJsConnection.Command> connection = system.systemActorOf(
          PeerJsConnection.create(node, id, token, socket), "peerjs-" + COUNTER.incrementAndGet(), Props.empty());
      return new Connection.Handler() {
        @Override
        public void received(Connection.Received message, ActorRef<Connection.Ack> ack) {
          connection.tell(new PeerJsConnection.Inbound(message, ack));
        }

        @Override
        public void closed() {
          connection.tell(new PeerJsConnection.ConnectionClosed());
          onClose.run();
        }

        @Override
        public void slowReader() {
          connection.tell(new PeerJsConnection.SlowReader());
        }
      };
    }, node.limits().maxFrameBytes(), node.limits().outboundQueue());
  }

  /** A socket refused before any id is registered: one ERROR frame, then the close (PeerJS _sendErrorAndClose). */
  static FrameStage refuse(String errorMessage) {
    return new FrameStage(socket -> {
      socket.tell(new Connection.Send(PeerJsCodec.error(errorMessage)));
      socket.tell(new Connection.Close(Connection.NORMAL, ""));
      return new Connection.Handler() {
        @Override
        public void received(Connection.Received message, ActorRef<Connection.Ack> ack) {
          ack.tell(Connection.Ack.INSTANCE);
        }

        @Override
        public void closed() {}

        @Override
        public void slowReader() {}
      };
    }, 1024, 4);
  }
}
