package io.greenmesh.carbon.model;

/**
 * Water consumed per unit of energy.
 *
 * @param onSiteWueLitresPerKwh    data-centre water usage effectiveness (The Green Grid WUE): litres consumed on site
 *                                 per kWh of IT energy
 * @param generationLitresPerKwh   litres consumed to generate one kWh of electricity, for every segment
 * @param source                   where the two figures come from
 */
public record WaterFactors(double onSiteWueLitresPerKwh, double generationLitresPerKwh, String source) {

    public WaterFactors {
        if (!(onSiteWueLitresPerKwh >= 0) || Double.isInfinite(onSiteWueLitresPerKwh)
                || !(generationLitresPerKwh >= 0) || Double.isInfinite(generationLitresPerKwh)) {
            throw new IllegalArgumentException("water factors must be finite and >= 0, got wue="
                    + onSiteWueLitresPerKwh + " generation=" + generationLitresPerKwh);
        }
        source = source == null ? "" : source;
    }
}
