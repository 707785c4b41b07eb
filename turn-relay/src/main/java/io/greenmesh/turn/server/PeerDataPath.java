package io.greenmesh.turn.server;

import java.net.InetSocketAddress;

/** The data path as the control plane sees it: Send indications carry data too (RFC 8656 §11.3). */
public interface PeerDataPath {

    /** Relays DATA from a Send indication to {@code peer}, applying permissions and the encrypted-only check. */
    void sendIndication(Allocation allocation, InetSocketAddress peer, byte[] data);
}
