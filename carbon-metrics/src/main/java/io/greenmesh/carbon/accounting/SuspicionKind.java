package io.greenmesh.carbon.accounting;

import java.util.Locale;

/** Something odd in an accepted entry: it was counted conservatively, and flagged. */
public enum SuspicionKind {
    /** The cumulative counter went backwards: nothing counted, the new value becomes the baseline. */
    COUNTER_RESET,
    /** The implied rate exceeded the ceiling: the delta was capped to the ceiling. */
    RATE_CAPPED;

    /** The value of the {@code kind} metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
