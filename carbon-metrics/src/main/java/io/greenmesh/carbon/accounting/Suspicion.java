package io.greenmesh.carbon.accounting;

/**
 * An accepted entry that looked wrong and was counted conservatively.
 *
 * @param remotePeerId  the entry's remote peer
 * @param kind          what was odd
 * @param detail        human-readable explanation with the values involved
 */
public record Suspicion(String remotePeerId, SuspicionKind kind, String detail) {
}
