package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.AllocationTable;
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
final class UdpWorker implements Runnable, UdpClientSink.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(UdpWorker.class);
    private static final int BATCH = 64;

    private final DatagramChannel listener;
    private final UdpPackets packets;
    private final TurnMetrics metrics;
    private final Selector selector;
    private final Queue<Allocation> pending = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean running = true;
    private volatile Thread thread;

    UdpWorker(DatagramChannel listener, InetSocketAddress listenAddress, TurnRequestHandler handler,
              AllocationTable table, DataPath dataPath, TurnMetrics metrics) throws IOException {
        this.listener = listener;
        this.packets = new UdpPackets(listenAddress, handler, table, dataPath, metrics,
                client -> new UdpClientSink(this, client));
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
    public boolean send(ByteBuffer buf, InetSocketAddress to) {
        try {
            listener.send(buf, to);
            return true;
        } catch (IOException e) {
            return false;
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
                DatagramChannel relay = ((NioRelaySocket) allocation.relay()).channel();
                relay.configureBlocking(false);
                relay.register(selector, SelectionKey.OP_READ, allocation);
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
        ByteBuffer buf = packets.buf;
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
            packets.fromClient((InetSocketAddress) source, buf.position());
        }
    }

    private void drainRelay(Allocation allocation, SelectionKey key) {
        ByteBuffer buf = packets.buf;
        DatagramChannel relay = (DatagramChannel) key.channel();
        for (int i = 0; i < BATCH; i++) {
            buf.clear();
            buf.position(DataPath.HEADROOM);
            buf.limit(DataPath.HEADROOM + 65536);
            SocketAddress source;
            try {
                source = relay.receive(buf);
            } catch (IOException e) {
                key.cancel();
                return;
            }
            if (source == null) {
                return;
            }
            packets.fromPeer(allocation, (InetSocketAddress) source, buf.position() - DataPath.HEADROOM);
        }
    }
}
