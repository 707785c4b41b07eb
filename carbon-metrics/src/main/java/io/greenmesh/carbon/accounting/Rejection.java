package io.greenmesh.carbon.accounting;

/**
 * A report or one peer entry that was not counted.
 *
 * @param remotePeerId  the entry's remote peer, or {@code null} when the whole report was rejected
 * @param reason        machine-readable reason
 * @param detail        human-readable explanation
 */
public record Rejection(String remotePeerId, RejectReason reason, String detail) {
}
