package io.greenmesh.carbon.metrics;

import io.greenmesh.carbon.accounting.RejectReason;
import io.greenmesh.carbon.accounting.SuspicionKind;
import io.greenmesh.carbon.config.CarbonConfig;
import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.EnergyPreset;
import io.greenmesh.carbon.model.Impact;
import io.greenmesh.carbon.model.ImpactModel;
import io.greenmesh.carbon.model.MediaPath;
import io.greenmesh.carbon.model.Segment;
import io.greenmesh.carbon.model.Units;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers and feeds every carbon meter. All counters are registered up front, so dashboards see zeros rather
 * than gaps. Exported (Prometheus) names are the constants with dots as underscores, plus {@code _total} for
 * counters.
 */
public final class CarbonMeters {

    public static final String MEDIA_BYTES = "greenmesh.media.bytes";
    public static final String COUNTERFACTUAL_SERVER_BYTES = "greenmesh.counterfactual.server.bytes";
    public static final String AVOIDED_BYTES = "greenmesh.avoided.bytes";
    public static final String AVOIDED_ENERGY = "greenmesh.avoided.energy.joules";
    public static final String AVOIDED_CO2E = "greenmesh.avoided.co2e.grams";
    public static final String AVOIDED_WATER = "greenmesh.avoided.water.liters";
    public static final String RELAY_BYTES = "greenmesh.relay.bytes";
    public static final String RELAY_ENERGY = "greenmesh.relay.energy.joules";
    public static final String REPORT_REJECTIONS = "greenmesh.carbon.report.rejections";
    public static final String REPORT_SUSPICIOUS = "greenmesh.carbon.report.suspicious";
    public static final String ENERGY_INTENSITY = "greenmesh.carbon.model.energy.intensity.joules.per.byte";
    public static final String GRID_INTENSITY = "greenmesh.carbon.grid.intensity.grams.per.joule";
    public static final String WATER_INTENSITY = "greenmesh.carbon.model.water.intensity.liters.per.joule";
    public static final String SIMULCAST_FACTOR = "greenmesh.carbon.model.simulcast.factor";

    private final CarbonConfig config;
    private final Map<MediaPath, Counter> mediaBytes = new EnumMap<>(MediaPath.class);
    private final Counter counterfactualServerBytes;
    private final Map<Segment, Counter> avoidedBytes = new EnumMap<>(Segment.class);
    private final Map<String, Map<Segment, Counter>> avoidedEnergy = new LinkedHashMap<>();
    private final Map<String, Counter> avoidedCo2e = new LinkedHashMap<>();
    private final Map<String, Counter> avoidedWater = new LinkedHashMap<>();
    private final Counter relayBytes;
    private final Map<String, Counter> relayEnergy = new LinkedHashMap<>();
    private final Map<RejectReason, Counter> rejections = new EnumMap<>(RejectReason.class);
    private final Map<SuspicionKind, Counter> suspicious = new EnumMap<>(SuspicionKind.class);

    public CarbonMeters(MeterRegistry registry, CarbonConfig config) {
        this.config = config;
        for (MediaPath path : MediaPath.values()) {
            mediaBytes.put(path, counter(registry, MEDIA_BYTES, "bytes",
                    "Media bytes clients sent to each other, by path", "path", path.label()));
        }
        counterfactualServerBytes = counter(registry, COUNTERFACTUAL_SERVER_BYTES, "bytes",
                "Bytes an SFU would have received and sent for the same media (all paths)");
        for (Segment segment : Segment.values()) {
            avoidedBytes.put(segment, counter(registry, AVOIDED_BYTES, "bytes",
                    "Bytes avoided relative to a counterfactual SFU call", "segment", segment.label()));
        }
        relayBytes = counter(registry, RELAY_BYTES, "bytes", "Bytes forwarded by our TURN relay, from its own counter");
        for (EnergyPreset preset : config.presets()) {
            String name = preset.name();
            Map<Segment, Counter> perSegment = new EnumMap<>(Segment.class);
            for (Segment segment : Segment.values()) {
                perSegment.put(segment, counter(registry, AVOIDED_ENERGY, "joules",
                        "Energy avoided relative to a counterfactual SFU call",
                        "segment", segment.label(), "preset", name));
                gauge(registry, ENERGY_INTENSITY, "Energy per byte, PUE included for the data centre",
                        () -> preset.joulesPerByte(segment), "segment", segment.label(), "preset", name);
            }
            avoidedEnergy.put(name, perSegment);
            avoidedCo2e.put(name, counter(registry, AVOIDED_CO2E, "grams",
                    "CO2e avoided relative to a counterfactual SFU call (not an SCI score)", "preset", name));
            avoidedWater.put(name, counter(registry, AVOIDED_WATER, "liters",
                    "Water avoided relative to a counterfactual SFU call", "preset", name));
            relayEnergy.put(name, counter(registry, RELAY_ENERGY, "joules",
                    "Energy our TURN relay spent forwarding media", "preset", name));
        }
        for (RejectReason reason : RejectReason.values()) {
            rejections.put(reason, counter(registry, REPORT_REJECTIONS, null,
                    "Stats reports or entries not counted, by reason", "reason", reason.label()));
        }
        for (SuspicionKind kind : SuspicionKind.values()) {
            suspicious.put(kind, counter(registry, REPORT_SUSPICIOUS, null,
                    "Stats entries counted conservatively, by kind", "kind", kind.label()));
        }
        gauge(registry, GRID_INTENSITY, "Carbon intensity of electricity in the configured zone",
                config.grid()::gramsPerJoule, "zone", config.grid().zone());
        gauge(registry, WATER_INTENSITY, "Water consumed per joule: on-site WUE (per IT joule) and generation",
                () -> Units.perJoule(config.water().onSiteWueLitresPerKwh()), "component", "on_site");
        gauge(registry, WATER_INTENSITY, "Water consumed per joule: on-site WUE (per IT joule) and generation",
                () -> Units.perJoule(config.water().generationLitresPerKwh()), "component", "generation");
        gauge(registry, SIMULCAST_FACTOR, "Bytes uploaded to the counterfactual SFU per byte a receiver gets",
                config::simulcastFactor);
    }

    public void recordMedia(MediaPath path, long bytes) {
        mediaBytes.get(path).increment(bytes);
    }

    public void recordCounterfactualServerBytes(double bytes) {
        counterfactualServerBytes.increment(bytes);
    }

    /** Counts avoided bytes and, for every preset, the energy, CO2e and water they stand for. */
    public void recordAvoided(AvoidedBytes bytes) {
        for (Segment segment : Segment.values()) {
            avoidedBytes.get(segment).increment(bytes.of(segment));
        }
        for (EnergyPreset preset : config.presets()) {
            Impact impact = ImpactModel.of(bytes, preset, config.grid(), config.water());
            Map<Segment, Counter> energy = avoidedEnergy.get(preset.name());
            for (Segment segment : Segment.values()) {
                energy.get(segment).increment(impact.joules(segment));
            }
            avoidedCo2e.get(preset.name()).increment(impact.co2eGrams());
            avoidedWater.get(preset.name()).increment(impact.waterLitres());
        }
    }

    public void recordRelayBytes(long bytes) {
        relayBytes.increment(bytes);
        for (EnergyPreset preset : config.presets()) {
            relayEnergy.get(preset.name()).increment(ImpactModel.relayEnergyJoules(bytes, preset));
        }
    }

    public void recordRejection(RejectReason reason) {
        rejections.get(reason).increment();
    }

    public void recordSuspicion(SuspicionKind kind) {
        suspicious.get(kind).increment();
    }

    private static Counter counter(MeterRegistry registry, String name, String baseUnit, String description,
                                   String... tags) {
        return Counter.builder(name).baseUnit(baseUnit).description(description).tags(tags).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Supplier<Number> value,
                              String... tags) {
        Gauge.builder(name, value).description(description).tags(tags)
                .strongReference(true).register(registry);
    }
}
