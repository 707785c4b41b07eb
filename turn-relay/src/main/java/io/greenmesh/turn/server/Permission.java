package io.greenmesh.turn.server;

import java.net.InetAddress;

/**
 * A permission (RFC 8656 §9): the peer IP address (already normalised by the address policy) that may exchange
 * data with an allocation, with its expiry. (Whether SRTP may pass is the allocation's user's, see {@link TurnUser}.)
 */
public final class Permission {

    private final InetAddress peer;
    private final byte[] peerBytes;
    private volatile long expiresAtMillis;

    Permission(InetAddress peer, long expiresAtMillis) {
        this.peer = peer;
        this.peerBytes = peer.getAddress();
        this.expiresAtMillis = expiresAtMillis;
    }

    public InetAddress peer() {
        return peer;
    }

    /** The peer address bytes, shared and not to be modified: used to frame Data indications without copying. */
    public byte[] peerBytes() {
        return peerBytes;
    }

    public boolean expired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    void refresh(long expiresAtMillis) {
        this.expiresAtMillis = expiresAtMillis;
    }
}
