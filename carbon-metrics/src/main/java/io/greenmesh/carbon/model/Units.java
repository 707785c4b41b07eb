package io.greenmesh.carbon.model;

/**
 * Unit conversions. Gigabytes are decimal (10^9 bytes), as in CO2.js since its change from GiB to GB
 * (thegreenwebfoundation/co2.js#93), so a kWh/GB figure from the literature converts without a 1.07 factor.
 */
public final class Units {

    public static final double JOULES_PER_KWH = 3_600_000.0;
    public static final double BYTES_PER_GB = 1_000_000_000.0;

    private Units() {
    }

    /** Converts an energy intensity in kWh per decimal GB to joules per byte. */
    public static double joulesPerByte(double kwhPerGb) {
        return kwhPerGb * JOULES_PER_KWH / BYTES_PER_GB;
    }

    public static double kwh(double joules) {
        return joules / JOULES_PER_KWH;
    }

    /** Converts a per-kWh factor (grams/kWh, litres/kWh) into the same factor per joule. */
    public static double perJoule(double perKwh) {
        return perKwh / JOULES_PER_KWH;
    }
}
