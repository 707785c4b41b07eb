package io.greenmesh.carbon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.model.EnergyPreset;
import io.greenmesh.carbon.model.GridIntensity;
import io.greenmesh.carbon.model.WaterFactors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything the carbon model needs, parsed from {@code greenmesh.carbon}.
 *
 * @param grid                       carbon intensity of the configured zone
 * @param presets                    enabled energy presets, in the configured order
 * @param water                      water factors
 * @param simulcastFactor            bytes uploaded to the counterfactual SFU per byte a receiver gets
 * @param rateCeilingBitsPerSecond   reported rates above this per stream are capped and counted as suspicious
 * @param reportIntervalHint         how often clients should report
 * @param finalReportWindow          how long an ended call's ledger stays open for its peers' last reports
 */
public record CarbonConfig(GridIntensity grid, List<EnergyPreset> presets, WaterFactors water,
                           double simulcastFactor, long rateCeilingBitsPerSecond, Duration reportIntervalHint,
                           Duration finalReportWindow) {

    public static final String PATH = "greenmesh.carbon";

    public CarbonConfig {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(water, "water");
        Objects.requireNonNull(reportIntervalHint, "reportIntervalHint");
        Objects.requireNonNull(finalReportWindow, "finalReportWindow");
        if (finalReportWindow.isNegative() || finalReportWindow.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("final-report-window must be between 0 and 1 minute, got "
                    + finalReportWindow);
        }
        presets = List.copyOf(presets);
        if (presets.isEmpty()) {
            throw new IllegalArgumentException("at least one preset must be enabled");
        }
        if (!(simulcastFactor >= 1.0) || Double.isInfinite(simulcastFactor)) {
            throw new IllegalArgumentException("simulcast-factor must be >= 1.0, got " + simulcastFactor);
        }
        if (rateCeilingBitsPerSecond <= 0) {
            throw new IllegalArgumentException("rate-ceiling-bits-per-second must be > 0, got " + rateCeilingBitsPerSecond);
        }
    }

    /** The defaults of {@code reference.conf} overlaid by {@code application.conf}, system properties and env. */
    public static CarbonConfig load() {
        return from(ConfigFactory.load());
    }

    /**
     * Parses {@code greenmesh.carbon} from a resolved root config.
     *
     * @throws ConfigException naming the bad path when a value is missing, of the wrong type or out of range
     */
    public static CarbonConfig from(Config root) {
        Config carbon = root.getConfig(PATH);
        try {
            return new CarbonConfig(
                    grid(carbon),
                    presets(carbon),
                    water(carbon.getConfig("water")),
                    carbon.getDouble("simulcast-factor"),
                    carbon.getLong("rate-ceiling-bits-per-second"),
                    carbon.getDuration("report-interval-hint"),
                    carbon.getDuration("final-report-window"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(carbon.origin(), PATH, e.getMessage(), e);
        }
    }

    /** Looks up a preset by its label value. */
    public EnergyPreset preset(String name) {
        return presets.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no enabled preset named " + name));
    }

    private static GridIntensity grid(Config carbon) {
        String zone = carbon.getString("zone");
        Config zones = carbon.getConfig("grid.zones");
        if (!zones.hasPath(quoted(zone))) {
            throw new ConfigException.BadValue(carbon.origin(), PATH + ".zone",
                    "unknown zone '" + zone + "'; known zones: " + zones.root().keySet());
        }
        Config entry = zones.getConfig(quoted(zone));
        String source = entry.hasPath("source") ? entry.getString("source") : carbon.getString("grid.default-source");
        return new GridIntensity(zone, entry.getDouble("grams-per-kwh"), entry.getInt("year"), source);
    }

    private static List<EnergyPreset> presets(Config carbon) {
        List<EnergyPreset> presets = new ArrayList<>();
        for (String name : new LinkedHashSet<>(carbon.getStringList("enabled-presets"))) {
            String path = "presets." + quoted(name);
            if (!carbon.hasPath(path)) {
                throw new ConfigException.BadValue(carbon.origin(), PATH + ".enabled-presets",
                        "preset '" + name + "' is enabled but not defined under " + PATH + ".presets");
            }
            Config preset = carbon.getConfig(path);
            presets.add(new EnergyPreset(name,
                    preset.getDouble("data-centre-kwh-per-gb"),
                    preset.getDouble("pue"),
                    preset.getDouble("network-kwh-per-gb"),
                    preset.hasPath("citation") ? preset.getString("citation") : ""));
        }
        return presets;
    }

    private static WaterFactors water(Config water) {
        return new WaterFactors(
                water.getDouble("on-site-wue-liters-per-kwh"),
                water.getDouble("generation-liters-per-kwh"),
                water.hasPath("source") ? water.getString("source") : "");
    }

    private static String quoted(String key) {
        return '"' + key.replace("\"", "") + '"';
    }
}
