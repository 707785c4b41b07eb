package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.MediaPath;

/** Receives what a ledger counts, e.g. to update process-wide totals and meters. Called under the ledger's lock. */
public interface LedgerListener {

    LedgerListener NONE = new LedgerListener() {
    };

    /**
     * One counted delta.
     *
     * @param path                 direct or relayed
     * @param bytes                bytes counted
     * @param counterfactualBytes  SFU bytes (ingress share + egress) this stream stands for
     * @param avoided              bytes avoided per segment; zero for relayed media
     */
    default void onDelta(MediaPath path, long bytes, double counterfactualBytes, AvoidedBytes avoided) {
    }

    default void onRejection(RejectReason reason) {
    }

    default void onSuspicion(SuspicionKind kind) {
    }
}
