package io.greenmesh.turn.transport;

import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunDecoder;
import io.greenmesh.turn.codec.TurnFraming;
import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.ClientTransport;
import io.greenmesh.turn.server.FiveTuple;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data-path thread: a listener socket sharing the TURN port with the other workers (SO_REUSEPORT, so the
 * kernel spreads clients across cores by their address hash) plus the relay sockets of the allocations it owns,
 * all on one selector. A client and its relay socket live on the same thread: no hand-off, no locks, one direct
 * buffer reused for every packet.
 */
final class UdpWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpWorker.class);
    private static final int BATCH = 64;

    private final DatagramChannel listener;
    private final InetSocketAddress listenAddress;
    private final TurnRequestHandler handler;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;
    private final Selector selector;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(DataPath.HEADROOM + 65536 + 8);
    private final Queue<Allocation> pending = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean running = true;
    private volatile Thread thread;

    UdpWorker(DatagramChannel listener, InetSocketAddress listenAddress, TurnRequestHandler handler,
              AllocationTable table, DataPath dataPath, TurnMetrics metrics) throws IOException {
        this.listener = listener;
        this.listenAddress = listenAddress;
        this.handler = handler;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
        this.selector = Selector.open();
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_READ, null);
    }

    /** Hands an allocation's relay socket to this worker; safe from any thread. */
    void register(Allocation allocation) {
        pending.add(allocation);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        } else {
            registerPending();
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (running) {
            try {
                selector.select(onReady, 250);
                registerPending();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("TURN worker loop error, continuing", e);
                    metrics.dropped("internal_error");
                }
            }
        }
    }

    void stop() {
        running = false;
        selector.wakeup();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void registerPending() {
        Allocation allocation;
        while ((allocation = pending.poll()) != null) {
            try {
                allocation.relay().configureBlocking(false);
                allocation.relay().register(selector, SelectionKey.OP_READ, allocation);
            } catch (ClosedChannelException e) {
                // Removed before it got here.
            } catch (IOException e) {
                LOG.warn("cannot register relay socket", e);
            }
        }
    }

    private void onReady(SelectionKey key) {
        Object attachment = key.attachment();
        try {
            if (attachment == null) {
                drainListener();
            } else {
                drainRelay((Allocation) attachment, key);
            }
        } catch (RuntimeException e) {
            // A bug must cost one packet, not the thread.
            LOG.warn("TURN packet handling error", e);
            metrics.dropped("internal_error");
        }
    }

    private void drainListener() {
        for (int i = 0; i < BATCH; i++) {
            buf.clear();
            SocketAddress source;
            try {
                source = listener.receive(buf);
            } catch (IOException e) {
                return;
            }
            if (source == null) {
                return;
            }
            fromClient((InetSocketAddress) source, buf.position());
        }
    }

    private void fromClient(InetSocketAddress source, int length) {
        int first = buf.get(0) & 0xFF;
        if (TurnFraming.isChannelData(first)) {
            Allocation allocation = table.udp(source);
            if (allocation == null) {
                metrics.dropped("no_allocation");
                return;
            }
            int dataLength = length >= 4 ? buf.getShort(2) & 0xFFFF : Integer.MAX_VALUE;
            if (dataLength > length - 4) {
                metrics.dropped("malformed_channel_data");
                return;
            }
            dataPath.channelDataFromClient(allocation, buf, 4, dataLength, buf.getShort(0) & 0xFFFF,
                    ClientTransport.UDP, dataPath.now());
            return;
        }
        if ((first & 0xC0) != 0) {
            metrics.dropped("not_turn");
            return;
        }
        byte[] raw = new byte[length];
        buf.get(0, raw);
        DecodeResult result = StunDecoder.decode(raw, 0, length);
        if (result instanceof DecodeResult.Malformed) {
            metrics.dropped("malformed_request");
            return;
        }
        FiveTuple tuple = new FiveTuple(ClientTransport.UDP, source, listenAddress);
        byte[] response = handler.handle((DecodeResult.Decoded) result, tuple,
                new UdpClientSink(this, listener, source));
        if (response != null) {
            try {
                listener.send(ByteBuffer.wrap(response), source);
            } catch (IOException e) {
                metrics.dropped("send_error");
            }
        }
    }

    private void drainRelay(Allocation allocation, SelectionKey key) {
        for (int i = 0; i < BATCH; i++) {
            buf.clear();
            buf.position(DataPath.HEADROOM);
            buf.limit(DataPath.HEADROOM + 65536);
            SocketAddress source;
            try {
                source = allocation.relay().receive(buf);
            } catch (IOException e) {
                key.cancel();
                return;
            }
            if (source == null) {
                return;
            }
            dataPath.fromPeer(allocation, buf, buf.position() - DataPath.HEADROOM, (InetSocketAddress) source,
                    dataPath.now());
        }
    }
}
