package io.greenmesh.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.accounting.PeerStats;
import io.greenmesh.carbon.accounting.ReportResult;
import io.greenmesh.carbon.accounting.StatsReport;
import io.greenmesh.carbon.config.CarbonConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.greenmesh.carbon.WorkedExamples.ONE_HOUR_AT_1_5_MBPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the node serves at GET /v1/carbon/summary and sends in carbon-report: plain Jackson, no annotations. */
class JsonShapeTest {

    private final ObjectMapper json = new ObjectMapper();
    private final CarbonAccountant carbon =
            new CarbonAccountant(CarbonConfig.from(ConfigFactory.load()), new SimpleMeterRegistry());

    private void oneToOneHour() {
        for (String[] pair : new String[][] {{"a", "b"}, {"b", "a"}}) {
            carbon.accept("c", new StatsReport(pair[0], 1_000, List.of(new PeerStats(pair[1], "host", "host", 0))),
                    Set.of("a", "b"));
            carbon.accept("c", new StatsReport(pair[0], 3_601_000,
                    List.of(new PeerStats(pair[1], "host", "host", ONE_HOUR_AT_1_5_MBPS))), Set.of("a", "b"));
        }
    }

    @Test
    void theSummarySerialisesWithItsSpreadAndPresetsInOrder() throws Exception {
        oneToOneHour();

        JsonNode summary = json.readTree(json.writeValueAsString(carbon.summary()));

        assertTrue(summary.get("basis").asText().contains("not an SCI"));
        assertEquals(1_350_000_000L, summary.get("directBytes").asLong());
        assertEquals(2.180763, summary.get("avoidedCo2eGrams").get("min").asDouble(), 1e-9);
        assertEquals(112.7061, summary.get("avoidedCo2eGrams").get("max").asDouble(), 1e-9);
        assertEquals("conservative", summary.get("presets").get(0).get("preset").asText());
        assertTrue(summary.get("relayEnergyJoules").has("swd-v4"));
    }

    @Test
    void aCallSummaryCarriesTheCarbonReportMaps() throws Exception {
        oneToOneHour();

        JsonNode call = json.readTree(json.writeValueAsString(carbon.closeCall("c").orElseThrow()));

        assertEquals(112.7061, call.get("avoidedCo2eGramsByPreset").get("swd-v4").asDouble(), 1e-9);
        assertEquals(2.00124, call.get("avoidedWaterLitersByPreset").get("swd-v4").asDouble(), 1e-9);
        assertTrue(call.get("message").asText().startsWith("This call saved about"));
    }

    @Test
    void reportsAndResultsRoundTrip() throws Exception {
        StatsReport report = json.readValue("""
                {"reporterPeerId":"a","timestampMillis":5,"peers":[
                  {"remotePeerId":"b","localCandidateType":"host","remoteCandidateType":"relay","bytesSent":1843200}]}""",
                StatsReport.class);
        ReportResult result = carbon.accept("c", report, Set.of("a"));

        assertEquals(1_843_200.0, report.peers().get(0).bytesSent());
        JsonNode rejected = json.readTree(json.writeValueAsString(result)).get("rejected").get(0);
        assertEquals("PEER_NOT_IN_ROOM", rejected.get("reason").asText());
        assertEquals("b", rejected.get("remotePeerId").asText());
    }
}
