package io.greenmesh.carbon.model;

import java.util.Collection;

/** The lowest and highest value across presets: the honest answer is a range, not one number. */
public record Spread(double min, double max) {

    public static final Spread ZERO = new Spread(0, 0);

    public static Spread of(Collection<Double> values) {
        if (values.isEmpty()) {
            return ZERO;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return new Spread(min, max);
    }
}
