package io.greenmesh.carbon;

import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.EnergyPreset;
import io.greenmesh.carbon.model.GridIntensity;
import io.greenmesh.carbon.model.Impact;
import io.greenmesh.carbon.model.ImpactModel;
import io.greenmesh.carbon.model.WaterFactors;

import java.util.List;

/**
 * What avoided bytes stand for under one preset.
 *
 * @param preset                          preset name
 * @param avoidedDataCentreEnergyJoules   data-centre energy avoided, PUE included
 * @param avoidedNetworkEnergyJoules      network energy avoided
 * @param avoidedEnergyJoules             the sum of the two
 * @param avoidedCo2eGrams                CO2e avoided
 * @param avoidedWaterLiters              water avoided
 */
public record PresetImpact(String preset, double avoidedDataCentreEnergyJoules, double avoidedNetworkEnergyJoules,
                           double avoidedEnergyJoules, double avoidedCo2eGrams, double avoidedWaterLiters) {

    static PresetImpact of(AvoidedBytes bytes, EnergyPreset preset, GridIntensity grid, WaterFactors water) {
        Impact impact = ImpactModel.of(bytes, preset, grid, water);
        return new PresetImpact(preset.name(), impact.dataCentreJoules(), impact.networkJoules(),
                impact.energyJoules(), impact.co2eGrams(), impact.waterLitres());
    }

    static List<PresetImpact> all(AvoidedBytes bytes, List<EnergyPreset> presets, GridIntensity grid,
                                  WaterFactors water) {
        return presets.stream().map(p -> of(bytes, p, grid, water)).toList();
    }
}
