package io.greenmesh.signaling.transport;

import io.greenmesh.signaling.actors.Session;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import scala.runtime.BoxedUnit;

/**
 * A connection's whole handler as one stream stage, because a WebSocket spends most of its life idle and every stage
 * of a per-connection flow is heap held for that life (its logic, connections, attributes, the blueprint's
 * traversal). It does what the composed flow did ({@code mapAsync} reading frames, an actor sink with backpressure,
 * a bounded actor source, coupled termination, termination watchers):
 *
 * <ul>
 *   <li>frames in, one at a time: each is read whole ({@code read}), handed to the session, and the next is pulled
 *       only once the session acknowledges it;
 *   <li>frames out through a queue of at most {@code outboundQueue} frames (allocated only when the client does not
 *       keep up); overflowing it fails the connection as a slow reader;
 *   <li>{@link Session.Close} completes the outbound side once the queued frames are out; either side ending ends
 *       both, and the session hears {@link Session.ConnectionClosed} exactly once, then {@code onClose} runs.
 * </ul>
 */
final class SessionStage extends GraphStage<FlowShape<Message, Message>> {
  private static final Inlet<Message> IN = Inlet.create("SessionStage.in");
  private static final Outlet<Message> OUT = Outlet.create("SessionStage.out");
  private static final FlowShape<Message, Message> SHAPE = FlowShape.of(IN, OUT);

  private final ActorRef<Session.Command> session;
  private final Function<Message, CompletionStage<Session.InboundFrame>> read;
  private final int outboundQueue;
  private final Runnable slowReader;
  private final Runnable onClose;

  SessionStage(ActorRef<Session.Command> session, Function<Message, CompletionStage<Session.InboundFrame>> read,
      int outboundQueue, Runnable slowReader, Runnable onClose) {
    this.session = session;
    this.read = read;
    this.outboundQueue = outboundQueue;
    this.slowReader = slowReader;
    this.onClose = onClose;
  }

  @Override
  public FlowShape<Message, Message> shape() {
    return SHAPE;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    /** Frames the client has not taken yet; null until one has to wait. */
    private ArrayDeque<String> queued;
    private boolean closeRequested;
    private boolean reading;
    private boolean upstreamFinished;
    private AsyncCallback<Object> readDone;
    private ActorRef<Session.Ack> ack;

    Logic() {
      super(SHAPE);
      setHandlers(IN, OUT, new AbstractInOutHandler() {
        @Override
        public void onPush() {
          onFrame(grab(IN));
        }

        @Override
        public void onUpstreamFinish() {
          upstreamFinished = true;
          if (!reading) {
            completeStage();
          }
        }

        @Override
        public void onPull() {
          if (queued != null && !queued.isEmpty()) {
            push(OUT, TextMessage.create(queued.poll()));
          }
          if (closeRequested && (queued == null || queued.isEmpty())) {
            completeStage();
          }
        }
      });
    }

    @Override
    public void preStart() {
      org.apache.pekko.actor.ActorRef self = getStageActor(message -> {
        onMessage(message._2());
        return BoxedUnit.UNIT;
      }).ref();
      readDone = createAsyncCallback(this::onRead);
      ack = Adapter.toTyped(self);
      session.tell(new Session.Connected(Adapter.toTyped(self)));
      // The session acknowledges this like a frame; only then is the first frame pulled.
      session.tell(new Session.StreamStarted(ack));
    }

    private void onMessage(Object message) {
      if (message == Session.Ack.INSTANCE) {
        if (!isClosed(IN) && !hasBeenPulled(IN)) {
          pull(IN);
        }
      } else if (message instanceof Session.Frame frame) {
        send(frame.json());
      } else if (message instanceof Session.Close && !closeRequested) {
        closeRequested = true;
        if (queued == null || queued.isEmpty()) {
          completeStage();
        }
      }
    }

    private void send(String json) {
      if (closeRequested) {
        return; // the close was asked for after everything before it; nothing goes after it
      }
      if (isAvailable(OUT) && (queued == null || queued.isEmpty())) {
        push(OUT, TextMessage.create(json));
        return;
      }
      if (queued == null) {
        queued = new ArrayDeque<>();
      }
      if (queued.size() >= outboundQueue) {
        slowReader.run();
        failStage(new BufferOverflowException(
            "the client did not read " + outboundQueue + " queued frames; closing its connection"));
        return;
      }
      queued.add(json);
    }

    private void onFrame(Message message) {
      CompletableFuture<Session.InboundFrame> frame = read.apply(message).toCompletableFuture();
      if (frame.isDone() && !frame.isCompletedExceptionally()) {
        deliver(frame.join());
        return;
      }
      reading = true;
      frame.whenComplete((f, failure) -> readDone.invoke(failure != null ? failure : f));
    }

    private void onRead(Object result) {
      reading = false;
      if (result instanceof Throwable failure) {
        failStage(failure);
        return;
      }
      deliver((Session.InboundFrame) result);
      if (upstreamFinished) {
        completeStage();
      }
    }

    private void deliver(Session.InboundFrame frame) {
      session.tell(new Session.Inbound(frame, ack));
    }

    @Override
    public void postStop() {
      session.tell(new Session.ConnectionClosed());
      onClose.run();
    }
  }
}
