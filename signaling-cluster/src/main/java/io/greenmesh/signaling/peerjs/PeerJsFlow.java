package io.greenmesh.signaling.peerjs;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * The PeerJS WebSocket handler, built like the native one: one {@link PeerJsConnection} per socket, frames in with
 * backpressure (the connection acknowledges each), frames out through a bounded queue that fails — closing the
 * socket — when the client does not read. Binary frames are read as UTF-8 JSON, as the PeerJS server reads them.
 */
final class PeerJsFlow {
  private static final AtomicLong COUNTER = new AtomicLong();

  private final ActorSystem<?> system;
  private final PeerJsNode node;
  private final Materializer materializer;

  PeerJsFlow(ActorSystem<?> system, PeerJsNode node) {
    this.system = system;
    this.node = node;
    this.materializer = Materializer.matFromSystem(system);
  }

  /**
   * A socket whose client asked for {@code id} with {@code token} and the right key; {@code onClose} runs once when it
   * ends, however it ends.
   */
  Flow<Message, Message, NotUsed> connect(String id, String token, Runnable onClose) {
    Pair<ActorRef<PeerJsConnection.Outbound>, Source<PeerJsConnection.Outbound, NotUsed>> outbound =
        ActorSource.<PeerJsConnection.Outbound>actorRef(
                o -> o instanceof PeerJsConnection.Close,
                o -> Optional.empty(),
                node.limits().outboundQueue(),
                OverflowStrategy.fail())
            .preMaterialize(materializer);
    ActorRef<PeerJsConnection.Command> connection = system.systemActorOf(
        PeerJsConnection.create(node, id, token, outbound.first()),
        "peerjs-" + COUNTER.incrementAndGet(), Props.empty());

    Sink<Message, NotUsed> in = Flow.<Message>create()
        .mapAsync(1, this::read)
        .to(ActorSink.actorRefWithBackpressure(
            connection,
            (ActorRef<PeerJsConnection.Ack> ack, PeerJsConnection.Frame frame) ->
                new PeerJsConnection.Inbound(frame, ack),
            PeerJsConnection.StreamStarted::new,
            PeerJsConnection.Ack.INSTANCE,
            new PeerJsConnection.ConnectionClosed(),
            failure -> new PeerJsConnection.ConnectionClosed()));

    Source<Message, NotUsed> out = outbound.second()
        .<Message>map(o -> TextMessage.create(((PeerJsConnection.Send) o).json()))
        .watchTermination((mat, done) -> {
          done.whenComplete((d, failure) -> {
            onClose.run();
            if (failure instanceof BufferOverflowException) {
              connection.tell(new PeerJsConnection.SlowReader());
            }
          });
          return mat;
        });
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /** A socket refused before any id is registered: one ERROR frame, then the close (PeerJS _sendErrorAndClose). */
  static Flow<Message, Message, NotUsed> refuse(String errorMessage) {
    return Flow.fromSinkAndSourceCoupled(Sink.ignore(),
        Source.single((Message) TextMessage.create(PeerJsCodec.error(errorMessage))));
  }

  /** Reads a whole frame, never holding more than the size limit of it in memory. */
  private CompletionStage<PeerJsConnection.Frame> read(Message message) {
    int max = node.limits().maxFrameBytes();
    if (message.isText()) {
      TextMessage text = message.asTextMessage();
      if (text.isStrict()) {
        String s = text.getStrictText();
        return CompletableFuture.completedFuture(tooLong(s, max) ? new PeerJsConnection.Oversized()
            : new PeerJsConnection.Text(s));
      }
      return text.getStreamedText()
          .runFold(new StringBuilder(), (sb, chunk) -> sb.length() > max ? sb : sb.append(chunk), materializer)
          .thenApply(sb -> tooLong(sb, max) ? new PeerJsConnection.Oversized()
              : new PeerJsConnection.Text(sb.toString()));
    }
    return message.asBinaryMessage().getStreamedData()
        .runFold(ByteString.emptyByteString(), (all, chunk) -> all.size() > max ? all : all.concat(chunk),
            materializer)
        .thenApply(bytes -> bytes.size() > max ? new PeerJsConnection.Oversized()
            : new PeerJsConnection.Text(bytes.decodeString(StandardCharsets.UTF_8)));
  }

  private static boolean tooLong(CharSequence s, int max) {
    if (s.length() > max) {
      return true;
    }
    return s.length() * 3L > max && s.toString().getBytes(StandardCharsets.UTF_8).length > max;
  }
}
