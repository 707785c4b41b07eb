package io.greenmesh.carbon.model;

/** Energy, CO2e and water that a number of bytes stands for under one preset. */
public record Impact(double dataCentreJoules, double networkJoules, double co2eGrams, double waterLitres) {

    public static final Impact ZERO = new Impact(0, 0, 0, 0);

    public double energyJoules() {
        return dataCentreJoules + networkJoules;
    }

    public double joules(Segment segment) {
        return segment == Segment.DATA_CENTRE ? dataCentreJoules : networkJoules;
    }
}
