package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.RelaySocket;
import io.greenmesh.turn.server.TurnRequestHandler;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The UDP data path on Netty's native epoll transport: one event loop per worker, each with its own listener
 * socket on the TURN port (SO_REUSEPORT) and the relay sockets of the allocations it owns. Reads are recvmmsg
 * batches (scattering reads into one pooled direct buffer); writes are queued without a flush and flushed once
 * per event-loop turn, so that packets leaving one socket in the same turn go out in one sendmmsg.
 */
final class EpollUdp implements UdpTransport {

    /** Room for the largest UDP payload per recvmmsg slot: a datagram is never truncated. */
    static final int DATAGRAM_SLOT = 65536;
    /** Datagrams per recvmmsg call, and calls per readiness event (as the NIO worker's 64 per drain). */
    private static final int DATAGRAMS_PER_READ = 16;
    private static final int READS_PER_EVENT = 4;

    private final EpollEventLoopGroup group;
    private final List<EpollUdpWorker> workers;
    private final Set<Channel> relays = ConcurrentHashMap.newKeySet();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final ListenerSockets<EpollDatagramChannel> listeners;

    private EpollUdp(EpollEventLoopGroup group, List<EpollUdpWorker> workers, int port) {
        this.group = group;
        this.workers = workers;
        this.listeners = new ListenerSockets<>(port, workers.size()) {
            @Override
            EpollDatagramChannel bind(InetAddress address, int port, int index) throws IOException {
                EpollUdpWorker worker = workers.get(index);
                EpollDatagramChannel listener = newChannel(address, worker);
                listener.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
                listener.config().setOption(ChannelOption.SO_RCVBUF, 4 << 20);
                listener.config().setOption(ChannelOption.SO_SNDBUF, 4 << 20);
                await(worker.loop().register(listener));
                ChannelFuture bound = listener.bind(new InetSocketAddress(address, port)).awaitUninterruptibly();
                if (!bound.isSuccess()) {
                    listener.close();
                    throw UdpTransport.portInUse(address, port, bound.cause() instanceof Exception e ? e : null);
                }
                return listener;
            }

            @Override
            int portOf(EpollDatagramChannel listener) {
                return listener.localAddress().getPort();
            }

            @Override
            void attach(EpollDatagramChannel listener, int worker) {
                workers.get(worker).listen(listener);
            }

            @Override
            void close(EpollDatagramChannel listener) {
                listener.close();
            }
        };
    }

    static boolean available() {
        return Epoll.isAvailable();
    }

    static Throwable unavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

    /** One event loop per worker and its listeners on each address, or nothing (closed again on failure). */
    static EpollUdp bind(InetAddress host, Set<InetAddress> addresses, int port, int workerCount, AllocationTable table,
                         DataPath dataPath, TurnMetrics metrics) throws IOException {
        UdpTransport.probeFree(host, port);
        EpollEventLoopGroup group = new EpollEventLoopGroup(workerCount, new DefaultThreadFactory("turn-udp-epoll", true));
        List<EpollUdpWorker> workers = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            workers.add(new EpollUdpWorker(group.next(), table, dataPath, metrics,
                    new ReusedReadBuffer(DATAGRAM_SLOT * DATAGRAMS_PER_READ, READS_PER_EVENT * DATAGRAMS_PER_READ)));
        }
        EpollUdp udp = new EpollUdp(group, workers, port);
        try {
            udp.listeners.bindAll(addresses);
            return udp;
        } catch (IOException | RuntimeException e) {
            udp.shutDown(0);
            throw e;
        }
    }

    /** A datagram channel that reads in recvmmsg batches into its worker's buffer; not reading until told. */
    private static EpollDatagramChannel newChannel(InetAddress address, EpollUdpWorker worker) {
        EpollDatagramChannel channel = new EpollDatagramChannel(
                address.getAddress().length == 4 ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6);
        channel.config()
                .setAllocator(PooledByteBufAllocator.DEFAULT)
                .setRecvByteBufAllocator(worker.readBuffer())
                .setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20))
                .setAutoRead(false);
        channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, DATAGRAM_SLOT);
        // Level-triggered: a recvmmsg that did not fill every slot ends the read, where edge-triggered would
        // spend one more system call per readiness event to see EAGAIN.
        channel.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
        return channel;
    }

    private static void await(ChannelFuture future) throws IOException {
        // Completes at once when called on the channel's own event loop; else waits for it.
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("epoll channel setup failed: " + future.cause(), future.cause());
        }
    }

    @Override
    public int port() {
        return listeners.port();
    }

    @Override
    public ListenerSockets<?> listeners() {
        return listeners;
    }

    @Override
    public void start(TurnRequestHandler handler) {
        listeners.attachAll();
        for (EpollUdpWorker worker : workers) {
            worker.start(handler);
        }
    }

    @Override
    public UdpRelaySockets.Binder relayBinder() {
        return new UdpRelaySockets.Binder() {
            @Override
            public RelaySocket bind(InetSocketAddress address) throws IOException {
                return bindRelay(address);
            }

            @Override
            public void activate(Allocation allocation) {
                ((EpollRelaySocket) allocation.relay()).activate(allocation);
            }
        };
    }

    /**
     * A relay socket on the event loop of the worker asking for it (the Allocate came in on that worker's
     * listener, so the client and its relay socket share a thread); from any other thread, round robin.
     */
    private RelaySocket bindRelay(InetSocketAddress address) throws IOException {
        EpollUdpWorker worker = null;
        for (EpollUdpWorker w : workers) {
            if (w.loop().inEventLoop()) {
                worker = w;
            }
        }
        if (worker == null) {
            worker = workers.get(Math.floorMod(roundRobin.getAndIncrement(), workers.size()));
        }
        EpollDatagramChannel channel = newChannel(address.getAddress(), worker);
        EpollRelaySocket socket = new EpollRelaySocket(channel, worker);
        channel.pipeline().addLast(worker.relayHandler(socket));
        await(worker.loop().register(channel));
        ChannelFuture bound = channel.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            channel.close();
            if (bound.cause() instanceof IOException) {
                return null; // taken (EADDRINUSE), or not ours to bind: try the next port
            }
            throw new IOException("relay socket bind failed: " + bound.cause(), bound.cause());
        }
        relays.add(channel);
        channel.closeFuture().addListener(f -> relays.remove(channel));
        return socket;
    }

    @Override
    public void close() {
        listeners.closeAll();
        // Allocations close their relay sockets after this; close them while the event loops still run.
        relays.forEach(Channel::close);
        shutDown(2);
    }

    private void shutDown(int quietSeconds) {
        if (group.shutdownGracefully(0, quietSeconds, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS)) {
            workers.forEach(w -> w.readBuffer().release());
        }
    }
}
