package io.greenmesh.carbon;

import io.greenmesh.carbon.model.Spread;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Totals since this process started, for GET /v1/carbon/summary.
 *
 * @param basis                        what the numbers mean
 * @param zone                         grid zone used
 * @param gridIntensityGramsPerKwh     its carbon intensity
 * @param directBytes                  media bytes that went peer to peer
 * @param relayedBytes                 media bytes that went through a TURN relay
 * @param counterfactualServerBytes    bytes an SFU would have moved for all media
 * @param avoidedDataCentreBytes       data-centre bytes avoided
 * @param avoidedNetworkBytes          network bytes avoided
 * @param relayBytes                   bytes forwarded by our TURN relay, from its own counter
 * @param presets                      avoided energy, CO2e and water per preset
 * @param relayEnergyJoules            energy our relay spent, per preset name
 * @param avoidedEnergyJoules          lowest and highest avoided energy across presets
 * @param avoidedCo2eGrams             lowest and highest avoided CO2e across presets
 * @param avoidedWaterLiters           lowest and highest avoided water across presets
 * @param openCalls                    calls currently being accounted
 * @param rejections                   report entries not counted
 * @param suspicious                   report entries counted conservatively
 */
public record Summary(String basis, String zone, double gridIntensityGramsPerKwh, long directBytes,
                      long relayedBytes, double counterfactualServerBytes, double avoidedDataCentreBytes,
                      double avoidedNetworkBytes, long relayBytes, List<PresetImpact> presets,
                      Map<String, Double> relayEnergyJoules, Spread avoidedEnergyJoules, Spread avoidedCo2eGrams,
                      Spread avoidedWaterLiters, int openCalls, long rejections, long suspicious) {

    public static final String BASIS = "Avoided relative to a counterfactual server-based (SFU) call; an estimate,"
            + " not an SCI (ISO/IEC 21031) score. Operational energy only; embodied emissions excluded."
            + " See docs/carbon-methodology.md.";

    public Summary {
        presets = List.copyOf(presets);
        relayEnergyJoules = Collections.unmodifiableMap(new LinkedHashMap<>(relayEnergyJoules));
    }
}
