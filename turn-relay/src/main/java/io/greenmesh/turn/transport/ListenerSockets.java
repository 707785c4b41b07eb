package io.greenmesh.turn.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP listener sockets of one transport: for each address it serves ({@link ListenAddresses}), one socket per
 * worker on the TURN port (SO_REUSEPORT spreads that address's clients over the workers), the i-th read by worker i.
 * {@link #serve} binds sockets for addresses that appeared and closes those of addresses that went away, so a
 * relay on a wildcard host follows its host's addresses.
 *
 * @param <S> the transport's socket
 */
abstract class ListenerSockets<S> {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerSockets.class);

    private final Map<InetAddress, List<S>> byAddress = new LinkedHashMap<>();
    private final int workers;
    private int port;

    ListenerSockets(int port, int workers) {
        this.port = port;
        this.workers = workers;
    }

    /** Worker {@code worker}'s socket bound to {@code address}:{@code port} with SO_REUSEPORT (0: any free port). */
    abstract S bind(InetAddress address, int port, int worker) throws IOException;

    /** The bound port of {@code socket}. */
    abstract int portOf(S socket);

    /** Starts worker {@code worker} reading {@code socket}. */
    abstract void attach(S socket, int worker);

    abstract void close(S socket);

    synchronized int port() {
        return port;
    }

    /**
     * Binds the first addresses or fails (closing what it bound): the relay must not start without a listener.
     * The first address fixes the port when it is 0. An address that went away between the interface scan and its
     * bind (an interface being removed) is skipped, as {@link #serve} skips it; a taken port still fails the start.
     */
    synchronized void bindAll(Set<InetAddress> addresses) throws IOException {
        try {
            for (InetAddress address : addresses) {
                try {
                    byAddress.put(address, bindWorkers(address));
                } catch (IOException | RuntimeException e) {
                    if (addresses.size() == 1 || ListenAddresses.isLocal(address)) {
                        throw e;
                    }
                    LOG.warn("TURN relay skips UDP {} (address gone while starting): {}", address.getHostAddress(),
                            e.toString());
                }
            }
            if (byAddress.isEmpty()) {
                throw new IOException("no address left to listen on among " + addresses);
            }
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    /** Starts the workers reading every socket bound so far. */
    synchronized void attachAll() {
        byAddress.values().forEach(this::attachWorkers);
    }

    /** Follows a changed address list; an address that cannot be bound is logged and tried again next time. */
    synchronized void serve(Set<InetAddress> addresses) {
        for (InetAddress gone : new HashSet<>(byAddress.keySet())) {
            if (!addresses.contains(gone)) {
                byAddress.remove(gone).forEach(this::close);
                LOG.info("TURN relay stopped listening on UDP {}:{} (address gone)", gone.getHostAddress(), port);
            }
        }
        for (InetAddress address : addresses) {
            if (byAddress.containsKey(address)) {
                continue;
            }
            try {
                List<S> sockets = bindWorkers(address);
                byAddress.put(address, sockets);
                attachWorkers(sockets);
                LOG.info("TURN relay listening on UDP {}:{} (new address)", address.getHostAddress(), port);
            } catch (IOException | RuntimeException e) {
                LOG.warn("TURN relay cannot listen on UDP {}:{}: {}", address.getHostAddress(), port, e.toString());
            }
        }
    }

    synchronized Set<InetAddress> addresses() {
        return Set.copyOf(byAddress.keySet());
    }

    synchronized void closeAll() {
        byAddress.values().forEach(sockets -> sockets.forEach(this::close));
        byAddress.clear();
    }

    private List<S> bindWorkers(InetAddress address) throws IOException {
        List<S> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                S socket = bind(address, port, i);
                sockets.add(socket);
                port = portOf(socket);
            }
            return sockets;
        } catch (IOException | RuntimeException e) {
            sockets.forEach(this::close);
            throw e;
        }
    }

    private void attachWorkers(List<S> sockets) {
        for (int i = 0; i < sockets.size(); i++) {
            attach(sockets.get(i), i);
        }
    }
}
