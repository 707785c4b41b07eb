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
 * One data-path thread: a listener socket per address served, each sharing the TURN port with the other workers'
 * (SO_REUSEPORT, so the kernel spreads clients across cores by their address hash), plus the relay sockets of the
 * allocations it owns, all on one selector. A client and its relay socket live on the same thread: no hand-off, no
 * locks, one direct buffer reused for every packet. A client is answered through the socket that heard it, so the
 * answer leaves from the address the request was sent to.
 */
final class UdpWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpWorker.class);
    private static final int BATCH = 64;

    private final UdpPackets packets;
    private final TurnMetrics metrics;
    private final Selector selector;
    private final Queue<Allocation> pending = new ConcurrentLinkedQueue<>();
    private final Queue<Listener> pendingListeners = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean running = true;
    private volatile Thread thread;

    /** A listener socket on one of the relay's addresses, read by {@code worker}. */
    record Listener(UdpWorker worker, DatagramChannel channel, InetSocketAddress localAddress)
            implements UdpClientSink.Listener {

        @Override
        public boolean send(ByteBuffer buf, InetSocketAddress to) {
            try {
                channel.send(buf, to);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    UdpWorker(TurnRequestHandler handler, AllocationTable table, DataPath dataPath, TurnMetrics metrics)
            throws IOException {
        this.packets = new UdpPackets(handler, table, dataPath, metrics);
        this.metrics = metrics;
        this.selector = Selector.open();
    }

    /** Starts reading a listener socket; safe from any thread. */
    void listen(DatagramChannel channel) throws IOException {
        pendingListeners.add(new Listener(this, channel, (InetSocketAddress) channel.getLocalAddress()));
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        } else {
            registerPending();
        }
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
        Listener listener;
        while ((listener = pendingListeners.poll()) != null) {
            try {
                listener.channel().configureBlocking(false);
                listener.channel().register(selector, SelectionKey.OP_READ, listener);
            } catch (ClosedChannelException e) {
                // Its address went away before it got here.
            } catch (IOException e) {
                LOG.warn("cannot register listener socket", e);
            }
        }
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
            if (attachment instanceof Allocation allocation) {
                drainRelay(allocation, key);
            } else {
                drainListener((Listener) attachment);
            }
        } catch (RuntimeException e) {
            // A bug must cost one packet, not the thread.
            LOG.warn("TURN packet handling error", e);
            metrics.dropped("internal_error");
        }
    }

    private void drainListener(Listener listener) {
        ByteBuffer buf = packets.buf;
        DatagramChannel channel = listener.channel();
        for (int i = 0; i < BATCH; i++) {
            buf.clear();
            SocketAddress source;
            try {
                source = channel.receive(buf);
            } catch (IOException e) {
                return;
            }
            if (source == null) {
                return;
            }
            packets.fromClient(listener, (InetSocketAddress) source, buf.position());
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
