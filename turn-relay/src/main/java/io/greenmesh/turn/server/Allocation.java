package io.greenmesh.turn.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An allocation (RFC 8656 §2.2): a relayed UDP socket bound for one client 5-tuple, with its permissions and
 * channel bindings. The control plane changes it; the data path only reads it (concurrent maps and volatile
 * fields), so no lock sits on the per-packet path except the bandwidth bucket.
 */
public final class Allocation {

    private final FiveTuple fiveTuple;
    private final TurnUser user;
    private final byte[] key;
    private final byte[] allocateTransactionId;
    private final RelaySocket relay;
    private final InetSocketAddress relayedAddress;
    private final ClientSink sink;
    private final TokenBucket bandwidth;
    private final Map<InetAddress, Permission> permissions = new ConcurrentHashMap<>();
    /** Room for the RFC 5766 range 0x4000..0x7FFF; which numbers ChannelBind grants is the handler's call. */
    private final ChannelTable channels = new ChannelTable();
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new ConcurrentHashMap<>();
    private volatile long expiresAtMillis;
    private volatile long lastActivityMillis;
    private volatile boolean closed;
    private volatile io.greenmesh.turn.attribute.ReservationToken reservation;

    Allocation(FiveTuple fiveTuple, TurnUser user, byte[] key, byte[] allocateTransactionId, RelaySocket relay,
               InetSocketAddress relayedAddress, ClientSink sink, long bandwidthBytesPerSecond, long nowMillis,
               long expiresAtMillis) {
        this.fiveTuple = fiveTuple;
        this.user = user;
        this.key = key.clone();
        this.allocateTransactionId = allocateTransactionId.clone();
        this.relay = relay;
        this.relayedAddress = relayedAddress;
        this.sink = sink;
        // One second of burst: enough for a video key frame, not for a flood.
        this.bandwidth = bandwidthBytesPerSecond > 0 ? new TokenBucket(bandwidthBytesPerSecond, bandwidthBytesPerSecond) : null;
        this.lastActivityMillis = nowMillis;
        this.expiresAtMillis = expiresAtMillis;
    }

    public FiveTuple fiveTuple() {
        return fiveTuple;
    }

    public String username() {
        return user.name();
    }

    /** The user this allocation belongs to; its DTLS mark opens every allocation of the user to SRTP. */
    public TurnUser user() {
        return user;
    }

    byte[] key() {
        return key;
    }

    boolean isAllocateRetransmission(byte[] transactionId) {
        return java.util.Arrays.equals(allocateTransactionId, transactionId);
    }

    /** The RESERVATION-TOKEN handed out with this allocation (EVEN-PORT R=1), repeated on retransmissions. */
    io.greenmesh.turn.attribute.ReservationToken reservation() {
        return reservation;
    }

    void reservation(io.greenmesh.turn.attribute.ReservationToken token) {
        this.reservation = token;
    }

    public RelaySocket relay() {
        return relay;
    }

    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    public ClientSink sink() {
        return sink;
    }

    /** The permission for a peer IP, or null when there is none or it has expired. */
    public Permission permission(InetAddress peer, long nowMillis) {
        Permission p = permissions.get(peer);
        return p == null || p.expired(nowMillis) ? null : p;
    }

    /** The live binding for a channel number, or null. */
    public ChannelBinding channel(int number, long nowMillis) {
        if (!ChannelTable.valid(number)) {
            return null;
        }
        ChannelBinding b = channels.get(number);
        return b == null || b.expired(nowMillis) ? null : b;
    }

    /** The live binding for a peer transport address, or null. */
    public ChannelBinding channelFor(InetSocketAddress peer, long nowMillis) {
        ChannelBinding b = channelsByPeer.get(peer);
        return b == null || b.expired(nowMillis) ? null : b;
    }

    /** Spends bandwidth for {@code bytes}; false means over the per-allocation limit. */
    public boolean spend(int bytes) {
        return bandwidth == null || bandwidth.tryTake(bytes);
    }

    public void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    public boolean closed() {
        return closed;
    }

    int livePermissionCount(long nowMillis) {
        int n = 0;
        for (Permission p : permissions.values()) {
            if (!p.expired(nowMillis)) {
                n++;
            }
        }
        return n;
    }

    boolean hasPermission(InetAddress peer, long nowMillis) {
        return permission(peer, nowMillis) != null;
    }

    void installPermission(InetAddress peer, long expiresAtMillis) {
        permissions.compute(peer, (k, existing) -> {
            if (existing == null) {
                return new Permission(peer, expiresAtMillis);
            }
            existing.refresh(expiresAtMillis);
            return existing;
        });
    }

    /**
     * Binds or refreshes a channel (RFC 8656 §12.2). False when the number is bound to another peer or the peer to
     * another number.
     */
    synchronized boolean bindChannel(int number, InetSocketAddress peer, long nowMillis, long expiresAtMillis) {
        ChannelBinding byNumber = channels.get(number);
        ChannelBinding byPeer = channelsByPeer.get(peer);
        if (byNumber != null && !byNumber.expired(nowMillis) && !byNumber.peer().equals(peer)) {
            return false;
        }
        if (byPeer != null && !byPeer.expired(nowMillis) && byPeer.number() != number) {
            return false;
        }
        if (byNumber != null && byNumber.peer().equals(peer)) {
            byNumber.refresh(expiresAtMillis);
            return true;
        }
        if (byNumber != null) {
            channelsByPeer.remove(byNumber.peer(), byNumber);
        }
        if (byPeer != null) {
            channels.remove(byPeer.number(), byPeer);
        }
        ChannelBinding binding = new ChannelBinding(number, peer, expiresAtMillis);
        channels.set(number, binding);
        channelsByPeer.put(peer, binding);
        return true;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    void refresh(long expiresAtMillis) {
        this.expiresAtMillis = expiresAtMillis;
    }

    /** True when the lifetime ran out or nothing was relayed for {@code idleMillis}. */
    boolean due(long nowMillis, long idleMillis) {
        return nowMillis >= expiresAtMillis || (idleMillis > 0 && nowMillis - lastActivityMillis >= idleMillis);
    }

    /** Drops expired permissions and channel bindings. */
    synchronized void purge(long nowMillis) {
        permissions.values().removeIf(p -> p.expired(nowMillis));
        channelsByPeer.values().removeIf(b -> {
            if (b.expired(nowMillis)) {
                channels.remove(b.number(), b);
                return true;
            }
            return false;
        });
    }

    void close() {
        closed = true;
        try {
            relay.close();
        } catch (IOException ignored) {
            // The socket is gone either way.
        }
    }
}
