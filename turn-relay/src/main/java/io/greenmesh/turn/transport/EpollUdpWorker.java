package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.TurnRequestHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One epoll event loop's share of the data path: its listener channels (one per address served), the relay
 * channels registered with it, and the {@link UdpPackets} they all feed. Every received datagram is copied into the worker's buffer and handled
 * exactly as the NIO worker handles it; every datagram sent is queued on its channel and flushed once at the end of
 * the event-loop turn, which is what lets Netty send a turn's packets for one socket with one sendmmsg.
 */
final class EpollUdpWorker {

    private static final Logger LOG = LoggerFactory.getLogger(EpollUdpWorker.class);

    private final EventLoop loop;
    private final ReusedReadBuffer readBuffer;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;
    /** Channels written to in this turn, flushed together at its end. */
    private final Set<Channel> unflushed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Runnable flush = this::flush;
    /** Listener channels bound before {@link #start}; afterwards new ones read at once. Used on the loop only. */
    private final List<EpollDatagramChannel> listeners = new ArrayList<>();
    /** Set by {@link #start} before the listeners read; used on the loop only. */
    private UdpPackets packets;

    /** A listener channel on one of the relay's addresses: clients it heard are answered through it. */
    private record Listener(EpollUdpWorker worker, EpollDatagramChannel channel, InetSocketAddress localAddress)
            implements UdpClientSink.Listener {

        @Override
        public boolean send(ByteBuffer buf, InetSocketAddress to) {
            return worker.send(channel, buf, to);
        }
    }

    EpollUdpWorker(EventLoop loop, AllocationTable table, DataPath dataPath, TurnMetrics metrics,
                   ReusedReadBuffer readBuffer) {
        this.loop = loop;
        this.readBuffer = readBuffer;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
    }

    EventLoop loop() {
        return loop;
    }

    ReusedReadBuffer readBuffer() {
        return readBuffer;
    }

    /** Reads {@code channel} (bound, registered with this loop) once the worker has started. */
    void listen(EpollDatagramChannel channel) {
        loop.execute(() -> {
            channel.pipeline().addLast(listenerHandler(new Listener(this, channel, channel.localAddress())));
            listeners.add(channel);
            channel.closeFuture().addListener(f -> listeners.remove(channel));
            if (packets != null) {
                channel.config().setAutoRead(true);
            }
        });
    }

    void start(TurnRequestHandler handler) {
        loop.execute(() -> {
            packets = new UdpPackets(handler, table, dataPath, metrics);
            listeners.forEach(channel -> channel.config().setAutoRead(true));
        });
    }

    private ChannelHandler listenerHandler(Listener listener) {
        return new Reader() {
            @Override
            void received(ByteBuf content, InetSocketAddress sender) {
                ByteBuffer buf = packets.buf;
                int length = content.readableBytes();
                buf.clear().limit(length);
                content.getBytes(content.readerIndex(), buf);
                packets.fromClient(listener, sender, length);
            }
        };
    }

    ChannelHandler relayHandler(EpollRelaySocket socket) {
        return new Reader() {
            @Override
            void received(ByteBuf content, InetSocketAddress sender) {
                Allocation allocation = socket.allocation();
                if (allocation == null || packets == null) {
                    return; // not activated yet: nobody to relay to
                }
                ByteBuffer buf = packets.buf;
                int length = content.readableBytes();
                buf.clear().position(DataPath.HEADROOM).limit(DataPath.HEADROOM + length);
                content.getBytes(content.readerIndex(), buf);
                buf.limit(buf.capacity()); // framing writes a header before and padding after the payload
                packets.fromPeer(allocation, sender, length);
            }
        };
    }

    /**
     * Queues {@code buf[position, limit)} for {@code to} on {@code channel}, copied into a pooled direct buffer.
     * On this worker's loop the flush waits for the end of the turn; from any other thread (a TCP client's
     * allocation, a reaper) it is flushed at once. False when the channel is closed or its queue is full.
     */
    boolean send(Channel channel, ByteBuffer buf, InetSocketAddress to) {
        if (!channel.isActive() || !channel.isWritable()) {
            return false;
        }
        ByteBuf out = channel.alloc().directBuffer(buf.remaining());
        out.writeBytes(buf);
        DatagramPacket packet = new DatagramPacket(out, to);
        if (!channel.eventLoop().inEventLoop()) {
            channel.writeAndFlush(packet, channel.voidPromise());
            return true;
        }
        channel.write(packet, channel.voidPromise());
        if (unflushed.isEmpty()) {
            loop.execute(flush); // runs after this turn's I/O events
        }
        unflushed.add(channel);
        return true;
    }

    private void flush() {
        unflushed.forEach(Channel::flush);
        unflushed.clear();
    }

    /** Hands each datagram's bytes and sender to {@link #received}; a bug costs one packet, not the loop. */
    private abstract class Reader extends ChannelInboundHandlerAdapter {

        abstract void received(ByteBuf content, InetSocketAddress sender);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                received(packet.content(), packet.sender());
            } catch (RuntimeException e) {
                LOG.warn("TURN packet handling error", e);
                metrics.dropped("internal_error");
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // A failed write (voidPromise) or read on this socket: the packet is lost, as with NIO.
                metrics.dropped("send_error");
            } else {
                LOG.warn("TURN epoll channel error", cause);
                metrics.dropped("internal_error");
            }
        }
    }
}
