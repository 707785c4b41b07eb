package io.greenmesh.carbon.model;

/** How media between two peers travelled, judged from the selected ICE candidate pair. */
public enum MediaPath {
    /** Neither candidate is a relay candidate: packets went peer to peer. */
    DIRECT("direct"),
    /** At least one candidate is a relay candidate: packets went through a TURN relay. */
    RELAYED("relayed");

    private final String label;

    MediaPath(String label) {
        this.label = label;
    }

    public static MediaPath of(CandidateType local, CandidateType remote) {
        return local == CandidateType.RELAY || remote == CandidateType.RELAY ? RELAYED : DIRECT;
    }

    /** The value of the {@code path} metric label. */
    public String label() {
        return label;
    }
}
