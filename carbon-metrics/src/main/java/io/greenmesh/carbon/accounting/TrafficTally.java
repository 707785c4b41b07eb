package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.MediaPath;

/** Running totals of counted media. Not thread-safe; the owner serialises access. */
public final class TrafficTally {

    private long directBytes;
    private long relayedBytes;
    private double counterfactualBytes;
    private AvoidedBytes avoided = AvoidedBytes.ZERO;

    public void add(MediaPath path, long bytes, double counterfactual, AvoidedBytes saved) {
        if (path == MediaPath.DIRECT) {
            directBytes += bytes;
        } else {
            relayedBytes += bytes;
        }
        counterfactualBytes += counterfactual;
        avoided = avoided.plus(saved);
    }

    public CallTraffic snapshot() {
        return new CallTraffic(directBytes, relayedBytes, counterfactualBytes, avoided);
    }
}
