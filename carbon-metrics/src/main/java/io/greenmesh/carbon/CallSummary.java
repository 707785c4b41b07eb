package io.greenmesh.carbon;

import io.greenmesh.carbon.accounting.CallTraffic;
import io.greenmesh.carbon.model.Spread;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.Locale;

/**
 * What one call avoided, for the {@code carbon-report} message shown to its participants.
 *
 * @param callId                       the call
 * @param basis                        what the numbers mean (always relative to a counterfactual SFU call)
 * @param directBytes                  media bytes that went peer to peer
 * @param relayedBytes                 media bytes that went through a TURN relay (not counted as saved)
 * @param counterfactualServerBytes    bytes an SFU would have moved for all of the call's media
 * @param avoidedDataCentreBytes       data-centre bytes avoided
 * @param avoidedNetworkBytes          network bytes avoided (the extra leg)
 * @param presets                      energy, CO2e and water per preset
 * @param avoidedCo2eGramsByPreset     CO2e per preset name, in preset order (the carbon-report map)
 * @param avoidedWaterLitersByPreset   water per preset name, in preset order (the carbon-report map)
 * @param avoidedCo2eGrams             lowest and highest CO2e across presets
 * @param avoidedWaterLiters           lowest and highest water across presets
 * @param message                      one sentence for participants
 */
public record CallSummary(String callId, String basis, long directBytes, long relayedBytes,
                          double counterfactualServerBytes, double avoidedDataCentreBytes,
                          double avoidedNetworkBytes, List<PresetImpact> presets,
                          Map<String, Double> avoidedCo2eGramsByPreset, Map<String, Double> avoidedWaterLitersByPreset,
                          Spread avoidedCo2eGrams,
                          Spread avoidedWaterLiters, String message) {

    public CallSummary {
        presets = List.copyOf(presets);
        avoidedCo2eGramsByPreset = Collections.unmodifiableMap(new LinkedHashMap<>(avoidedCo2eGramsByPreset));
        avoidedWaterLitersByPreset = Collections.unmodifiableMap(new LinkedHashMap<>(avoidedWaterLitersByPreset));
    }

    static CallSummary of(String callId, CallTraffic traffic, List<PresetImpact> presets) {
        Spread co2e = Spread.of(presets.stream().map(PresetImpact::avoidedCo2eGrams).toList());
        Spread water = Spread.of(presets.stream().map(PresetImpact::avoidedWaterLiters).toList());
        return new CallSummary(callId, Summary.BASIS, traffic.directBytes(), traffic.relayedBytes(),
                traffic.counterfactualBytes(), traffic.avoided().dataCentre(), traffic.avoided().network(),
                presets, byPreset(presets, PresetImpact::avoidedCo2eGrams),
                byPreset(presets, PresetImpact::avoidedWaterLiters), co2e, water, message(traffic, co2e));
    }

    private static Map<String, Double> byPreset(List<PresetImpact> presets, ToDoubleFunction<PresetImpact> value) {
        Map<String, Double> map = new LinkedHashMap<>();
        presets.forEach(p -> map.put(p.preset(), value.applyAsDouble(p)));
        return map;
    }

    /** "This call saved about 2.2–113 g CO2e and 2,700 MB of data-centre traffic, compared with a server." */
    static String message(CallTraffic traffic, Spread co2e) {
        if (traffic.avoided().dataCentre() <= 0) {
            return traffic.relayedBytes() > 0
                    ? "This call went through a relay server, so it saved no data-centre traffic."
                    : "No media was measured for this call.";
        }
        long megabytes = Math.round(traffic.avoided().dataCentre() / 1_000_000.0);
        String grams = grams(co2e.min()).equals(grams(co2e.max()))
                ? grams(co2e.max())
                : grams(co2e.min()) + "\u2013" + grams(co2e.max());
        return String.format(Locale.ROOT,
                "This call saved about %s g CO2e and %,d MB of data-centre traffic, compared with routing it"
                        + " through a server.", grams, megabytes);
    }

    private static String grams(double grams) {
        if (grams < 10) {
            return String.format(Locale.ROOT, "%.1f", grams);
        }
        return String.format(Locale.ROOT, "%,d", Math.round(grams));
    }
}
