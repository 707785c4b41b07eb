package io.greenmesh.turn.server;

import java.net.InetSocketAddress;

/** A channel binding (RFC 8656 §12): channel number 0x4000..0x4FFF bound to one peer transport address. */
public final class ChannelBinding {

    private final int number;
    private final InetSocketAddress peer;
    private volatile long expiresAtMillis;

    ChannelBinding(int number, InetSocketAddress peer, long expiresAtMillis) {
        this.number = number;
        this.peer = peer;
        this.expiresAtMillis = expiresAtMillis;
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public boolean expired(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    void refresh(long expiresAtMillis) {
        this.expiresAtMillis = expiresAtMillis;
    }
}
