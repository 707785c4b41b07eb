package io.greenmesh.carbon.model;

import java.util.Objects;

/**
 * One published set of energy intensities, named for its source.
 *
 * @param name                metric label value, e.g. {@code swd-v4}
 * @param dataCentreKwhPerGb  server (IT) energy per decimal GB through the SFU
 * @param pue                 power usage effectiveness applied on top of {@code dataCentreKwhPerGb}; 1.0 where the
 *                            source figure already includes facility overhead
 * @param networkKwhPerGb     energy per decimal GB carried over the network leg
 * @param citation            author, year, title and address of the source of every constant
 */
public record EnergyPreset(String name, double dataCentreKwhPerGb, double pue, double networkKwhPerGb,
                           String citation) {

    public EnergyPreset {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("preset name is blank");
        }
        requireIntensity(name, "data-centre-kwh-per-gb", dataCentreKwhPerGb);
        requireIntensity(name, "network-kwh-per-gb", networkKwhPerGb);
        if (!(pue >= 1.0) || Double.isInfinite(pue)) {
            throw new IllegalArgumentException("preset " + name + ": pue must be >= 1.0, got " + pue);
        }
        citation = citation == null ? "" : citation;
    }

    /** Energy per byte in the segment, facility overhead (PUE) included for the data centre. */
    public double joulesPerByte(Segment segment) {
        return switch (segment) {
            case DATA_CENTRE -> Units.joulesPerByte(dataCentreKwhPerGb * pue);
            case NETWORK -> Units.joulesPerByte(networkKwhPerGb);
        };
    }

    /** Server energy per byte before PUE: the energy that on-site water usage effectiveness (WUE) is defined on. */
    public double dataCentreItJoulesPerByte() {
        return Units.joulesPerByte(dataCentreKwhPerGb);
    }

    private static void requireIntensity(String preset, String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("preset " + preset + ": " + key + " must be finite and >= 0, got " + value);
        }
    }
}
