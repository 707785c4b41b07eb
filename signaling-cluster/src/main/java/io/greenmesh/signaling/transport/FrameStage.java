package io.greenmesh.signaling.transport;

import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.impl.engine.ws.FrameData;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEvent$;
import org.apache.pekko.http.impl.engine.ws.FrameEventParser$;
import org.apache.pekko.http.impl.engine.ws.FrameHeader;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import scala.Option;
import scala.Tuple2;
import scala.runtime.BoxedUnit;

/**
 * A WebSocket connection's whole handler at the frame level (RFC 6455 §5), one stage per connection, for both
 * protocols. Pekko HTTP's message API materializes substreams for every incoming message (a quarter of a node's CPU
 * in the profile); here a message is unmasked and assembled in place, and handed to the actor whole.
 *
 * <ul>
 *   <li>in: one message at a time; the next frame is read only once the actor acknowledges the last message, so an
 *       actor that holds its acknowledgement (throttling) pauses the connection's reads and TCP pushes back;
 *   <li>a message over {@code maxMessageBytes} is discarded as it arrives and reported as {@link Connection.Oversized};
 *   <li>pings are answered, a Close is echoed and ends the connection, a protocol violation closes it with 1002;
 *   <li>out: frames through a queue of at most {@code outboundQueue} messages (allocated only when the client does
 *       not keep up); overflowing it cuts the connection as a slow reader;
 *   <li>{@link Connection.Close} sends a Close with its code after the queued frames and waits briefly for the
 *       client's Close (after a drain's 1013 the client's messages until then are still read: none is lost to a
 *       node shutting down); either side ending ends both, then the actor hears {@link Connection.Handler#closed()}
 *       once.
 * </ul>
 */
public final class FrameStage extends GraphStage<FlowShape<FrameEvent, FrameEvent>> {
  private static final Inlet<FrameEvent> IN = Inlet.create("FrameStage.in");
  private static final Outlet<FrameEvent> OUT = Outlet.create("FrameStage.out");
  private static final FlowShape<FrameEvent, FrameEvent> SHAPE = FlowShape.of(IN, OUT);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final Option<Object> NO_MASK = Option.empty();
  private static final Protocol.Opcode TEXT = Protocol.Opcode$.MODULE$.forCode((byte) 0x1);
  private static final Protocol.Opcode PONG = Protocol.Opcode$.MODULE$.forCode((byte) 0xA);

  private final Connection.Opener opener;
  private final int maxMessageBytes;
  private final int outboundQueue;

  public FrameStage(Connection.Opener opener, int maxMessageBytes, int outboundQueue) {
    this.opener = opener;
    this.maxMessageBytes = maxMessageBytes;
    this.outboundQueue = outboundQueue;
  }

  /**
   * The 101 response that hands {@code upgrade}'s connection to this stage. Pekko HTTP's frame-level hand-off is
   * internal API (Play Framework's WebSocket server uses the same one); only the frame parser runs below this stage.
   */
  public org.apache.pekko.http.javadsl.model.HttpResponse accept(
      org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade upgrade) {
    @SuppressWarnings("unchecked")
    org.apache.pekko.stream.Graph<FlowShape<FrameEvent, FrameEvent>, Object> graph =
        (org.apache.pekko.stream.Graph<FlowShape<FrameEvent, FrameEvent>, Object>) (Object) this;
    return ((org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel) upgrade).handleFrames(graph,
        Option.empty());
  }

  @Override
  public FlowShape<FrameEvent, FrameEvent> shape() {
    return SHAPE;
  }

  @Override
  public TimerGraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    private Connection.Handler handler;
    private ActorRef<Connection.Ack> ack;

    // The frame being read: its opcode, its mask key (rotated across parts), and whether it ends its message.
    private byte frameOpcode;
    private int mask;
    private boolean frameFin;
    // The message being assembled: text or binary (0: none), its bytes so far (null while it is one part).
    private byte messageOpcode;
    private long messageLength;
    private ByteString single;
    private ByteStringBuilder parts;
    private ByteStringBuilder control;
    private boolean awaitingAck;

    /** Frames the client has not taken yet; null until one has to wait. */
    private ArrayDeque<FrameStart> queued;
    private int queuedMessages;
    private boolean closeSent;
    /**
     * After a drain's Close (1013): the client's messages sent before it saw the Close are still read and handed to
     * the actor, so that a node shutting down loses none of them; its Close (or the timeout) ends the connection.
     */
    private boolean readingAfterClose;
    private boolean finished;

    Logic() {
      super(SHAPE);
      setHandlers(IN, OUT, new AbstractInOutHandler() {
        @Override
        public void onPush() {
          onFrameEvent(grab(IN));
          if (!awaitingAck && !isClosed(IN) && !hasBeenPulled(IN) && !finished) {
            pull(IN);
          }
        }

        @Override
        public void onUpstreamFinish() {
          finish();
        }

        @Override
        public void onPull() {
          if (queued != null && !queued.isEmpty()) {
            FrameStart next = queued.poll();
            if (next.header().opcode() == TEXT) {
              queuedMessages--;
            }
            push(OUT, next);
          }
          if (finished && (queued == null || queued.isEmpty())) {
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
      ack = Adapter.toTyped(self);
      handler = opener.open(Adapter.toTyped(self));
      pull(IN);
    }

    private void onMessage(Object message) {
      if (message == Connection.Ack.INSTANCE) {
        awaitingAck = false;
        if (!isClosed(IN) && !hasBeenPulled(IN)) {
          pull(IN);
        }
      } else if (message instanceof Connection.Send send) {
        if (!closeSent) {
          emit(FrameEvent$.MODULE$.fullFrame(TEXT, NO_MASK, ByteString.fromString(send.json()), true,
              false, false, false));
        }
      } else if (message instanceof Connection.Close close) {
        close(close.code(), close.reason());
      }
    }

    // ---------------------------------------------------------------- in

    private void onFrameEvent(FrameEvent event) {
      if (closeSent && !readingAfterClose) {
        // Waiting for the client's Close: its data no longer counts, its Close ends the connection.
        if (event instanceof FrameStart start && start.header().opcode().code() == 0x8) {
          finish();
        }
        return;
      }
      if (event instanceof FrameStart start) {
        onFrameStart(start);
      } else {
        onFrameData((FrameData) event);
      }
    }

    private void onFrameStart(FrameStart start) {
      FrameHeader h = start.header();
      Option<Object> key = h.mask();
      if (key.isEmpty() || h.rsv1() || h.rsv2() || h.rsv3()) {
        close(Connection.PROTOCOL_ERROR, key.isEmpty() ? "client frames must be masked" : "no extension negotiated");
        return;
      }
      mask = (Integer) key.get();
      frameOpcode = h.opcode().code();
      frameFin = h.fin();
      if ((frameOpcode & 0x8) != 0) {
        if (!h.fin() || h.length() > MAX_CONTROL_PAYLOAD || frameOpcode > 0xA) {
          close(Connection.PROTOCOL_ERROR, "malformed control frame");
          return;
        }
        control = new ByteStringBuilder();
      } else if (frameOpcode == 0x1 || frameOpcode == 0x2) {
        if (messageOpcode != 0) {
          close(Connection.PROTOCOL_ERROR, "a new message before the last one ended");
          return;
        }
        messageOpcode = frameOpcode;
        messageLength = 0;
      } else if (frameOpcode != 0x0 || messageOpcode == 0) {
        close(Connection.PROTOCOL_ERROR, frameOpcode == 0x0 ? "continuation without a message" : "unknown opcode");
        return;
      }
      if ((frameOpcode & 0x8) == 0) {
        messageLength += h.length();
      }
      append(start.data(), start.lastPart());
    }

    private void onFrameData(FrameData data) {
      append(data.data(), data.lastPart());
    }

    private void append(ByteString data, boolean lastPart) {
      boolean isControl = (frameOpcode & 0x8) != 0;
      boolean discard = !isControl && messageLength > maxMessageBytes;
      if (!data.isEmpty() && !discard) {
        Tuple2<ByteString, Object> unmasked = FrameEventParser$.MODULE$.mask(data, mask);
        mask = (Integer) unmasked._2();
        collect(isControl, unmasked._1());
      }
      if (!lastPart) {
        return;
      }
      if (isControl) {
        onControl(control.result());
        control = null;
      } else if (frameFin) {
        deliver(discard);
      }
    }

    private void collect(boolean isControl, ByteString bytes) {
      if (isControl) {
        control.append(bytes);
      } else if (single == null && parts == null) {
        single = bytes;
      } else {
        if (parts == null) {
          parts = new ByteStringBuilder();
          parts.append(single);
          single = null;
        }
        parts.append(bytes);
      }
    }

    private void deliver(boolean oversized) {
      ByteString bytes = parts != null ? parts.result() : single != null ? single : ByteString.emptyByteString();
      byte opcode = messageOpcode;
      messageOpcode = 0;
      single = null;
      parts = null;
      Connection.Received message = oversized ? new Connection.Oversized()
          : opcode == 0x1 ? new Connection.Text(bytes.utf8String())
          : new Connection.Binary(bytes.utf8String());
      awaitingAck = true;
      handler.received(message, ack);
    }

    private void onControl(ByteString payload) {
      switch (frameOpcode) {
        case 0x9 -> {
          if (!closeSent) {
            emit(FrameEvent$.MODULE$.fullFrame(PONG, NO_MASK, payload, true, false, false, false));
          }
        }
        case 0x8 -> {
          // The client closes: echo its code (RFC 6455 §5.5.1), then the connection ends.
          int code = payload.size() >= 2 ? ((payload.apply(0) & 0xFF) << 8) | (payload.apply(1) & 0xFF)
              : Connection.NORMAL;
          close(code >= 1000 && code < 5000 && code != 1005 && code != 1006 && code != 1015
              ? code : Connection.PROTOCOL_ERROR, "");
          if (queued == null || queued.isEmpty()) {
            finish();
          }
        }
        default -> { } // a pong: nothing to do
      }
    }

    // ---------------------------------------------------------------- out

    private void emit(FrameStart frame) {
      if (isAvailable(OUT) && (queued == null || queued.isEmpty())) {
        push(OUT, frame);
        return;
      }
      if (queued == null) {
        queued = new ArrayDeque<>();
      }
      boolean message = frame.header().opcode() == TEXT;
      if (message && queuedMessages >= outboundQueue) {
        handler.slowReader();
        failStage(new BufferOverflowException(
            "the client did not read " + outboundQueue + " queued frames; closing its connection"));
        return;
      }
      if (message) {
        queuedMessages++;
      }
      queued.add(frame);
    }

    /** Sends a Close after what is queued; the connection ends on the client's Close, or after a timeout. */
    private void close(int code, String reason) {
      if (closeSent) {
        // The client's Close, or a protocol error while reading after a drain's Close: read nothing more.
        readingAfterClose = false;
        awaitingAck = false;
        return;
      }
      closeSent = true;
      readingAfterClose = code == Connection.TRY_AGAIN_LATER;
      if (!readingAfterClose) {
        awaitingAck = false;
      }
      emit(FrameEvent$.MODULE$.closeFrame(code, reason, NO_MASK));
      scheduleOnce("close-timeout", CLOSE_TIMEOUT);
      if (!awaitingAck && !isClosed(IN) && !hasBeenPulled(IN)) {
        pull(IN);
      }
    }

    @Override
    public void onTimer(Object key) {
      finish();
    }

    /** Ends the connection once the frames already queued are out (the Close among them). */
    private void finish() {
      if (queued == null || queued.isEmpty()) {
        completeStage();
        return;
      }
      // onPull completes the stage once the queue is empty; what still arrives is ignored.
      finished = true;
      closeSent = true;
    }

    @Override
    public void postStop() {
      if (handler != null) {
        handler.closed();
      }
    }
  }
}
