package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.AvoidedBytes;

/**
 * Totals of one call so far.
 *
 * @param directBytes          media bytes that went peer to peer
 * @param relayedBytes         media bytes that went through a TURN relay
 * @param counterfactualBytes  bytes an SFU would have moved (ingress + egress) for all of that media
 * @param avoided              bytes avoided per segment, from direct media only
 */
public record CallTraffic(long directBytes, long relayedBytes, double counterfactualBytes, AvoidedBytes avoided) {

    public static final CallTraffic ZERO = new CallTraffic(0, 0, 0, AvoidedBytes.ZERO);
}
