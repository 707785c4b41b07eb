package io.greenmesh.carbon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.model.EnergyPreset;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CarbonConfigTest {

    private static Config reference() {
        return ConfigFactory.parseResources("reference.conf");
    }

    private static CarbonConfig withEnv(Map<String, String> env) {
        // environment variables are looked up as root keys, exactly as a root-level map provides them
        return CarbonConfig.from(ConfigFactory.parseMap(env).withFallback(reference()).resolve());
    }

    @Test
    void referenceConfShipsTheThreeCitedPresetsAndWorldGrid() {
        CarbonConfig config = withEnv(Map.of());

        assertEquals(3, config.presets().size());
        EnergyPreset swd = config.preset("swd-v4");
        assertEquals(0.055, swd.dataCentreKwhPerGb());
        assertEquals(0.059, swd.networkKwhPerGb());
        assertEquals(1.0, swd.pue());
        EnergyPreset conservative = config.preset("conservative");
        assertEquals(0.001, conservative.networkKwhPerGb());
        assertEquals(1.135, conservative.pue());
        assertEquals(0.06, config.preset("obringer-2021").networkKwhPerGb());
        config.presets().forEach(p -> assertTrue(p.citation().contains("https://"), p.name() + " has a citation"));
        assertEquals("WORLD", config.grid().zone());
        assertEquals(494, config.grid().gramsPerKwh());
        assertEquals(1.8, config.water().onSiteWueLitresPerKwh());
        assertEquals(7.6, config.water().generationLitresPerKwh());
        assertEquals(1.0, config.simulcastFactor());
        assertEquals(50_000_000L, config.rateCeilingBitsPerSecond());
        assertEquals(Duration.ofSeconds(5), config.reportIntervalHint());
    }

    @Test
    void environmentVariablesOverrideTheDefaults() {
        CarbonConfig config = withEnv(Map.of(
                "GREENMESH_CARBON_ZONE", "FRA",
                "GREENMESH_CARBON_SIMULCAST_FACTOR", "1.3",
                "GREENMESH_CARBON_RATE_CEILING_BPS", "20000000",
                "GREENMESH_CARBON_REPORT_INTERVAL", "5s",
                "GREENMESH_CARBON_WATER_WUE", "0.2"));

        assertEquals("FRA", config.grid().zone());
        assertEquals(56.04, config.grid().gramsPerKwh());
        assertEquals(2023, config.grid().year());
        assertTrue(config.grid().source().contains("Ember"));
        assertEquals(1.3, config.simulcastFactor());
        assertEquals(20_000_000L, config.rateCeilingBitsPerSecond());
        assertEquals(Duration.ofSeconds(5), config.reportIntervalHint());
        assertEquals(0.2, config.water().onSiteWueLitresPerKwh());
    }

    @Test
    void everyPresetConstantIsOverridableAndPresetsCanBeChosen() {
        Config app = ConfigFactory.parseString("""
                greenmesh.carbon {
                  enabled-presets = ["swd-v4", "mine"]
                  presets.swd-v4.network-kwh-per-gb = 0.03
                  presets.mine { data-centre-kwh-per-gb = 0.02, pue = 1.2, network-kwh-per-gb = 0.005 }
                  grid.zones.XYZ { grams-per-kwh = 100, year = 2024, source = "own meter" }
                  zone = XYZ
                }""");

        CarbonConfig config = CarbonConfig.from(app.withFallback(reference()).resolve());

        assertEquals(2, config.presets().size());
        assertEquals("swd-v4", config.presets().get(0).name());
        assertEquals(0.03, config.preset("swd-v4").networkKwhPerGb());
        assertEquals(1.2, config.preset("mine").pue());
        assertEquals("own meter", config.grid().source());
    }

    @Test
    void anUnknownZoneFailsFastNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> withEnv(Map.of("GREENMESH_CARBON_ZONE", "ATLANTIS")));

        assertTrue(e.getMessage().contains("greenmesh.carbon.zone"), e.getMessage());
        assertTrue(e.getMessage().contains("ATLANTIS"), e.getMessage());
    }

    @Test
    void outOfRangeValuesFailFast() {
        assertThrows(ConfigException.class, () -> withEnv(Map.of("GREENMESH_CARBON_SIMULCAST_FACTOR", "0.5")));
        Config badPue = ConfigFactory.parseString("greenmesh.carbon.presets.swd-v4.pue = 0.9");
        assertThrows(ConfigException.class, () -> CarbonConfig.from(badPue.withFallback(reference()).resolve()));
        Config undefined = ConfigFactory.parseString("greenmesh.carbon.enabled-presets = [nope]");
        assertThrows(ConfigException.class, () -> CarbonConfig.from(undefined.withFallback(reference()).resolve()));
    }

    @Test
    void theShippedZoneTableHasCitedYears() {
        Config zones = reference().resolve().getConfig("greenmesh.carbon.grid.zones");
        assertTrue(zones.root().size() >= 20, "at least 20 zones, got " + zones.root().size());
        for (String zone : zones.root().keySet()) {
            double grams = zones.getDouble(zone + ".grams-per-kwh");
            assertTrue(grams > 0 && grams < 1500, zone + " = " + grams);
        }
    }
}
