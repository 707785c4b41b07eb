package io.greenmesh.signaling.transport;

import io.greenmesh.signaling.actors.Session;
import io.greenmesh.signaling.actors.SessionDependencies;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** The native signaling endpoint's connections: one {@link Session} actor behind each {@link FrameStage}. */
public final class SessionFlow {
  private static final AtomicLong COUNTER = new AtomicLong();

  private final ActorSystem<?> system;
  private final SessionDependencies deps;

  public SessionFlow(ActorSystem<?> system, SessionDependencies deps) {
    this.system = system;
    this.deps = deps;
  }

  /** The handler of one connection from {@code clientIp}; {@code onClose} runs once when it ends, however it ends. */
  public FrameStage create(String clientIp, Runnable onClose) {
    return new FrameStage(socket -> {
      ActorRef<Session.Command> session = system.systemActorOf(
          Session.create(deps, clientIp, socket), "session-" + COUNTER.incrementAndGet(), Props.empty());
      return new Connection.Handler() {
        @Override
        public void received(Connection.Received message, ActorRef<Connection.Ack> ack) {
          session.tell(new Session.Inbound(message, ack));
        }

        @Override
        public void closed() {
          session.tell(new Session.ConnectionClosed());
          onClose.run();
        }

        @Override
        public void slowReader() {
          // Counted here: the session may already have seen the connection close by the time it hears why.
          deps.metrics().closed("slow-reader");
          session.tell(new Session.SlowReader());
        }
      };
    }, deps.settings().maxFrameBytes(), deps.settings().outboundQueue());
  }
}
