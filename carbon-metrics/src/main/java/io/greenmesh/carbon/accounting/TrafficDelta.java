package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.MediaPath;

/**
 * Bytes counted for one directed stream since the previous report.
 *
 * @param remotePeerId  the receiving peer
 * @param path          direct or relayed, from the candidate pair selected at report time
 * @param bytes         bytes counted, after any rate cap
 */
public record TrafficDelta(String remotePeerId, MediaPath path, long bytes) {
}
