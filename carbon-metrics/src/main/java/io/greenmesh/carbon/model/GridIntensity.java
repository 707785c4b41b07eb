package io.greenmesh.carbon.model;

import java.util.Objects;

/**
 * Average carbon intensity of electricity in one zone (location-based, annual).
 *
 * @param zone          ISO 3166-1 alpha-3 code, an Ember region name, or {@code WORLD}
 * @param gramsPerKwh   grams CO2e per kWh consumed
 * @param year          the year the figure describes; 0 where the source does not state it
 * @param source        where the figure comes from
 */
public record GridIntensity(String zone, double gramsPerKwh, int year, String source) {

    public GridIntensity {
        Objects.requireNonNull(zone, "zone");
        if (!(gramsPerKwh >= 0) || Double.isInfinite(gramsPerKwh)) {
            throw new IllegalArgumentException("zone " + zone + ": grams-per-kwh must be finite and >= 0, got " + gramsPerKwh);
        }
        source = source == null ? "" : source;
    }

    public double gramsPerJoule() {
        return Units.perJoule(gramsPerKwh);
    }
}
