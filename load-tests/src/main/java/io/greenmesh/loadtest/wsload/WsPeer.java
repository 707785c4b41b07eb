package io.greenmesh.loadtest.wsload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated peer on one Netty channel. While it sets up (handshake, then OPEN or join → welcome) it parses what
 * it receives as JSON; once running it only looks for the stamp of relayed messages, and checks that their
 * sequence numbers climb (order per sender → receiver: a peer hears from its partner only).
 */
final class WsPeer extends SimpleChannelInboundHandler<Object> {
  private static final ObjectMapper JSON = new ObjectMapper();

  final int index;
  final WsProtocol protocol;
  private final WebSocketClientHandshaker handshaker;
  private final String join;
  private final URI uri;
  private String knownId;
  /** Completes with this peer's id once the server made it addressable. */
  final CompletableFuture<String> ready = new CompletableFuture<>();
  private final byte[] keepAlive;
  volatile boolean running;
  LoopState state;
  Channel channel;
  private StampedFrame[] frames;
  private int nextSeq;
  private int lastSeqReceived = -1;
  private boolean written;

  WsPeer(int index, WsProtocol protocol, URI uri, String join) {
    this.index = index;
    this.protocol = protocol;
    this.join = join;
    this.uri = uri;
    this.keepAlive = StampedFrame.plain(protocol.keepAlive());
    // No Origin header (a browser sends one, a native client does not; the node's origin check lets those through).
    this.handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
        EmptyHttpHeaders.INSTANCE, 1 << 20, true, false, 10_000, false, false);
  }

  URI uri() {
    return uri;
  }

  /** For a protocol where the client picks its id (PeerJS): the id it connects with. */
  WsPeer withId(String id) {
    this.knownId = id;
    return this;
  }

  String knownId() {
    return knownId;
  }

  /** The partner is known: pre-encode the three frames this peer sends to it. */
  void pairWith(String partnerId, String connectionId) {
    this.frames = protocol.frames(partnerId, connectionId);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    handshaker.handshake(channel);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!ready.isDone()) {
      ready.completeExceptionally(new IllegalStateException("closed during set-up"));
    } else if (running && state != null) {
      state.stats.error();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!ready.isDone()) {
      ready.completeExceptionally(cause);
    }
    ctx.close();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    if (!handshaker.isHandshakeComplete()) {
      if (msg instanceof FullHttpResponse response) {
        try {
          handshaker.finishHandshake(ctx.channel(), response);
        } catch (RuntimeException e) {
          ready.completeExceptionally(e);
          ctx.close();
          return;
        }
        if (join != null) {
          write(Unpooled.wrappedBuffer(StampedFrame.plain(join)), true);
        }
      }
      return;
    }
    if (msg instanceof TextWebSocketFrame text) {
      ByteBuf content = text.content();
      if (running) {
        StampedFrame.Stamp s = StampedFrame.find(content);
        if (s != null) {
          boolean inOrder = s.seq() > lastSeqReceived;
          lastSeqReceived = Math.max(lastSeqReceived, s.seq());
          state.received(s, System.nanoTime(), inOrder);
          return;
        }
      }
      control(content.toString(StandardCharsets.UTF_8));
    } else if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (msg instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }

  /** A frame that is not a stamped message: set-up answers, keep-alive answers, errors. */
  private void control(String text) {
    JsonNode f;
    try {
      f = JSON.readTree(text);
    } catch (Exception e) {
      countError();
      return;
    }
    String type = f.path("type").asText();
    switch (type) {
      case "OPEN" -> ready.complete(null);
      case "welcome" -> ready.complete(f.path("peerId").asText());
      case "pong", "peer-joined", "HEARTBEAT" -> { }
      default -> {
        if (!ready.isDone()) {
          ready.completeExceptionally(new IllegalStateException("set-up refused: " + text));
        } else {
          countError();
        }
      }
    }
  }

  private void countError() {
    if (state != null) {
      state.stats.error();
    }
  }

  /** On the event loop: the next message to the partner, stamped; written, flushed at the end of the tick. */
  void sendStamped(int step, long intendedNanos, int sdpEvery) {
    if (!channel.isActive()) {
      return; // counted as lost: it is sent (in the loop's count) but never delivered
    }
    int seq = nextSeq++;
    StampedFrame f = frames[WsProtocol.kind(seq, index % 2 == 0, sdpEvery).ordinal()];
    ByteBuf out = channel.alloc().directBuffer(f.length());
    f.writeTo(out, step, intendedNanos, seq);
    channel.write(out, channel.voidPromise());
    written = true;
  }

  void flushIfWritten() {
    if (written) {
      written = false;
      channel.flush();
    }
  }

  void keepAlive() {
    if (channel != null && channel.isActive()) {
      write(Unpooled.wrappedBuffer(keepAlive), true);
    }
  }

  private void write(ByteBuf b, boolean flush) {
    if (flush) {
      channel.writeAndFlush(b, channel.voidPromise());
    } else {
      channel.write(b, channel.voidPromise());
    }
  }

  void close() {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(new CloseWebSocketFrame(1000, "done")).addListener(f -> channel.close());
    }
  }
}
