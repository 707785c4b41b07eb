package io.greenmesh.carbon.metrics;

import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.carbon.accounting.PeerStats;
import io.greenmesh.carbon.accounting.StatsReport;
import io.greenmesh.carbon.config.CarbonConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.greenmesh.carbon.WorkedExamples.ONE_HOUR_AT_1_5_MBPS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The names a Prometheus scrape shows, exactly: no doubled {@code _total}, no stray unit suffixes. */
class PrometheusExportTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CarbonAccountant carbon = new CarbonAccountant(CarbonConfig.from(ConfigFactory.load()), registry);

    private String scrapeAfterOneToOneHour() {
        Set<String> room = Set.of("a", "b");
        for (String[] pair : new String[][] {{"a", "b"}, {"b", "a"}}) {
            carbon.accept("c", new StatsReport(pair[0], 1_000, List.of(new PeerStats(pair[1], "host", "host", 0))),
                    room);
            carbon.accept("c", new StatsReport(pair[0], 3_601_000,
                    List.of(new PeerStats(pair[1], "host", "host", ONE_HOUR_AT_1_5_MBPS))), room);
        }
        carbon.accept("c", new StatsReport("a", 3_602_000, List.of(new PeerStats("z", "host", "host", 1))), room);
        carbon.recordRelayedBytes(0);
        carbon.recordRelayedBytes(1_000_000);
        return registry.scrape();
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " not in scrape:\n" + scrape));
    }

    @Test
    void exportedMetricNamesAreExactlyTheDocumentedOnes() {
        String scrape = scrapeAfterOneToOneHour();
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(l -> l.startsWith("greenmesh_"))
                .forEach(l -> names.add(l.substring(0, l.indexOf(l.contains("{") ? '{' : ' '))));

        assertEquals(new TreeSet<>(Set.of(
                "greenmesh_media_bytes_total",
                "greenmesh_counterfactual_server_bytes_total",
                "greenmesh_avoided_bytes_total",
                "greenmesh_avoided_energy_joules_total",
                "greenmesh_avoided_co2e_grams_total",
                "greenmesh_avoided_water_liters_total",
                "greenmesh_relay_bytes_total",
                "greenmesh_relay_energy_joules_total",
                "greenmesh_carbon_report_rejections_total",
                "greenmesh_carbon_report_suspicious_total",
                "greenmesh_carbon_model_energy_intensity_joules_per_byte",
                "greenmesh_carbon_grid_intensity_grams_per_joule",
                "greenmesh_carbon_model_water_intensity_liters_per_joule",
                "greenmesh_carbon_model_simulcast_factor")), names);
    }

    @Test
    void seriesCarryOnlyLowCardinalityLabelsAndTheWorkedExampleValues() {
        String scrape = scrapeAfterOneToOneHour();

        assertEquals(1.35e9, value(scrape, "greenmesh_media_bytes_total{path=\"direct\"}"), 1);
        assertEquals(0, value(scrape, "greenmesh_media_bytes_total{path=\"relayed\"}"));
        assertEquals(2.7e9, value(scrape, "greenmesh_counterfactual_server_bytes_total"), 1);
        assertEquals(2.7e9, value(scrape, "greenmesh_avoided_bytes_total{segment=\"data_centre\"}"), 1);
        assertEquals(1.35e9, value(scrape, "greenmesh_avoided_bytes_total{segment=\"network\"}"), 1);
        assertEquals(0.1485 * 3.6e6,
                value(scrape, "greenmesh_avoided_energy_joules_total{preset=\"swd-v4\",segment=\"data_centre\"}"), 1e-6);
        assertEquals(112.7061, value(scrape, "greenmesh_avoided_co2e_grams_total{preset=\"swd-v4\"}"), 1e-9);
        assertEquals(2.180763, value(scrape, "greenmesh_avoided_co2e_grams_total{preset=\"conservative\"}"), 1e-9);
        assertEquals(2.00124, value(scrape, "greenmesh_avoided_water_liters_total{preset=\"swd-v4\"}"), 1e-9);
        assertEquals(1e6, value(scrape, "greenmesh_relay_bytes_total"));
        assertEquals(198.0, value(scrape, "greenmesh_relay_energy_joules_total{preset=\"swd-v4\"}"), 1e-9);
        assertEquals(1.98e-4, value(scrape,
                "greenmesh_carbon_model_energy_intensity_joules_per_byte{preset=\"swd-v4\",segment=\"data_centre\"}"),
                1e-15);
        assertEquals(494 / 3.6e6, value(scrape, "greenmesh_carbon_grid_intensity_grams_per_joule{zone=\"WORLD\"}"),
                1e-15);
        assertEquals(1.0, value(scrape, "greenmesh_carbon_model_simulcast_factor"));
        assertEquals(1.0, value(scrape, "greenmesh_carbon_report_rejections_total{reason=\"peer_not_in_room\"}"));
        assertEquals(0.0, value(scrape, "greenmesh_carbon_report_suspicious_total{kind=\"rate_capped\"}"));
        Set<String> labelKeys = new TreeSet<>();
        scrape.lines().filter(l -> l.startsWith("greenmesh_"))
                .forEach(l -> Pattern.compile("([a-z_]+)=\"").matcher(l).results().forEach(m -> labelKeys.add(m.group(1))));
        assertEquals(new TreeSet<>(Set.of("path", "segment", "preset", "zone", "component", "reason", "kind")), labelKeys,
                "no room or peer ids as labels");
    }
}
