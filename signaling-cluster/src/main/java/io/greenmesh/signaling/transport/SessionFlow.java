package io.greenmesh.signaling.transport;

import io.greenmesh.signaling.actors.Session;
import io.greenmesh.signaling.actors.SessionDependencies;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The WebSocket handler: one {@link Session} actor per connection, frames in with backpressure (the session
 * acknowledges each), frames out through a bounded queue that fails — closing the connection — when the client
 * does not read. The stream side is a single {@link SessionStage}: an idle connection holds as little as possible.
 */
public final class SessionFlow {
  private static final AtomicLong COUNTER = new AtomicLong();

  private final ActorSystem<?> system;
  private final SessionDependencies deps;
  private final Materializer materializer;

  public SessionFlow(ActorSystem<?> system, SessionDependencies deps) {
    this.system = system;
    this.deps = deps;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** The handler of one connection from {@code clientIp}; {@code onClose} runs once when it ends, however it ends. */
  public Flow<Message, Message, ?> create(String clientIp, Runnable onClose) {
    ActorRef<Session.Command> session = system.systemActorOf(
        Session.create(deps, clientIp), "session-" + COUNTER.incrementAndGet(), Props.empty());

    return Flow.fromGraph(new SessionStage(session, this::read, deps.settings().outboundQueue(), () -> {
      // Counted here: the session may already have seen the connection close by the time it hears why.
      deps.metrics().closed("slow-reader");
      session.tell(new Session.SlowReader());
    }, onClose));
  }

  /** Reads a whole frame, never holding more than the size limit of it in memory. */
  private CompletionStage<Session.InboundFrame> read(Message message) {
    int max = deps.settings().maxFrameBytes();
    if (!message.isText()) {
      return message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer)
          .thenApply(done -> new Session.Binary());
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) {
      String s = text.getStrictText();
      return CompletableFuture.completedFuture(utf8Length(s, max) > max ? new Session.Oversized() : new Session.Text(s));
    }
    return text.getStreamedText()
        .runFold(new StringBuilder(), (sb, chunk) -> sb.length() > max ? sb : sb.append(chunk), materializer)
        .thenApply(sb -> {
          String s = sb.toString();
          return utf8Length(s, max) > max ? new Session.Oversized() : new Session.Text(s);
        });
  }

  /** UTF-8 length, computed only when the string could exceed {@code max}. */
  static int utf8Length(String s, int max) {
    if (s.length() * 3L <= max) {
      return s.length();
    }
    if (s.length() > max) {
      return s.length();
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
