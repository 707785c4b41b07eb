package io.greenmesh.signaling.protocol;

/** A peer as other peers see it. */
public record PeerInfo(String peerId, String displayName) {}
