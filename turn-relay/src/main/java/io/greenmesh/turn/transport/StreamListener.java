package io.greenmesh.turn.transport;

import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.ClientTransport;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/** Accepts TCP or TLS clients on a bound server socket, up to a connection limit. */
final class StreamListener implements Closeable {

    private final ServerSocket server;
    private final ClientTransport transport;
    private final TurnRequestHandler handler;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;
    private final Semaphore slots;
    private final Set<StreamConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    StreamListener(ServerSocket server, ClientTransport transport, TurnRequestHandler handler, AllocationTable table,
                   DataPath dataPath, TurnMetrics metrics, int maxConnections) {
        this.server = server;
        this.transport = transport;
        this.handler = handler;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
        this.slots = new Semaphore(maxConnections);
        Thread acceptor = new Thread(this::acceptLoop, "turn-" + transport.label() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        InetSocketAddress listenAddress = (InetSocketAddress) server.getLocalSocketAddress();
        while (running) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                metrics.dropped("connection_limit");
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // refused either way
                }
                continue;
            }
            StreamConnection[] self = new StreamConnection[1];
            self[0] = new StreamConnection(socket, transport, listenAddress, handler, table, dataPath, metrics, () -> {
                connections.remove(self[0]);
                slots.release();
            });
            connections.add(self[0]);
            self[0].start();
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
        connections.forEach(StreamConnection::closeQuietly);
    }
}
