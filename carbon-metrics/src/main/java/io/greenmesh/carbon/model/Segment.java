package io.greenmesh.carbon.model;

/** The part of the system that a counterfactual SFU call would have used and a direct call does not. */
public enum Segment {
    /** The SFU itself: servers, their cooling and power distribution (PUE). */
    DATA_CENTRE("data_centre"),
    /** The extra network leg between the clients and the SFU. */
    NETWORK("network");

    private final String label;

    Segment(String label) {
        this.label = label;
    }

    /** The value of the {@code segment} metric label. */
    public String label() {
        return label;
    }
}
