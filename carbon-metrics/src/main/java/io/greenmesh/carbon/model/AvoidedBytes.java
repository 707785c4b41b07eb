package io.greenmesh.carbon.model;

/**
 * Bytes a counterfactual SFU call would have moved that the direct call did not, per segment.
 * Fractional because a stream's share of the SFU ingress is s/(N-1) of it.
 */
public record AvoidedBytes(double dataCentre, double network) {

    public static final AvoidedBytes ZERO = new AvoidedBytes(0, 0);

    public AvoidedBytes plus(AvoidedBytes other) {
        return new AvoidedBytes(dataCentre + other.dataCentre, network + other.network);
    }

    public double of(Segment segment) {
        return segment == Segment.DATA_CENTRE ? dataCentre : network;
    }
}
