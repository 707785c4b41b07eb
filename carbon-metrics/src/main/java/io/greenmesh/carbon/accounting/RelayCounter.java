package io.greenmesh.carbon.accounting;

/**
 * Turns the TURN relay's cumulative relayed-bytes counter into deltas. The first reading is a baseline (the relay
 * may have been running long before this process started). The relay's own counter is trusted: when it goes
 * backwards the relay restarted, and the new value is what it has relayed since. Not thread-safe; the caller
 * serialises access.
 */
public final class RelayCounter {

    private long last = -1;

    /** Returns the bytes relayed since the previous reading; 0 for the first reading and for negative input. */
    public long advance(long cumulativeBytes) {
        if (cumulativeBytes < 0) {
            return 0;
        }
        long delta;
        if (last < 0) {
            delta = 0;
        } else if (cumulativeBytes < last) {
            delta = cumulativeBytes;
        } else {
            delta = cumulativeBytes - last;
        }
        last = cumulativeBytes;
        return delta;
    }
}
