package io.greenmesh.carbon.model;

/**
 * Bytes to energy, CO2e and water, as pure functions.
 *
 * <pre>
 * E_dc    = bytes_dc  × I_dc × PUE              (J)
 * E_net   = bytes_net × I_net                   (J)
 * CO2e    = (E_dc + E_net) × grid               (g; grid in g/J)
 * water   = bytes_dc × I_dc × WUE + (E_dc + E_net) × EWIF   (L; WUE on IT energy, EWIF on all energy)
 * </pre>
 */
public final class ImpactModel {

    private ImpactModel() {
    }

    public static Impact of(AvoidedBytes bytes, EnergyPreset preset, GridIntensity grid, WaterFactors water) {
        double dataCentreJoules = bytes.dataCentre() * preset.joulesPerByte(Segment.DATA_CENTRE);
        double networkJoules = bytes.network() * preset.joulesPerByte(Segment.NETWORK);
        double totalJoules = dataCentreJoules + networkJoules;
        double co2e = totalJoules * grid.gramsPerJoule();
        double itJoules = bytes.dataCentre() * preset.dataCentreItJoulesPerByte();
        double litres = itJoules * Units.perJoule(water.onSiteWueLitresPerKwh())
                + totalJoules * Units.perJoule(water.generationLitresPerKwh());
        return new Impact(dataCentreJoules, networkJoules, co2e, litres);
    }

    /**
     * Energy our own TURN relay spent on bytes it forwarded: a relay is a server in a data centre, so the
     * data-centre intensity (with PUE) applies. The network legs of relayed media are not attributed to the relay,
     * since the media would cross the network anyway.
     */
    public static double relayEnergyJoules(double relayedBytes, EnergyPreset preset) {
        return relayedBytes * preset.joulesPerByte(Segment.DATA_CENTRE);
    }
}
