package io.greenmesh.carbon;

import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.accounting.PeerStats;
import io.greenmesh.carbon.accounting.StatsReport;
import io.greenmesh.carbon.config.CarbonConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.greenmesh.carbon.WorkedExamples.HALF_HOUR_AT_1_5_MBPS;
import static io.greenmesh.carbon.WorkedExamples.ONE_HOUR_AT_1_5_MBPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked examples of docs/carbon-methodology.md, fed through the facade as client reports. */
class CarbonAccountantTest {

    private static final long START = 1_700_000_000_000L;

    private final CarbonAccountant carbon =
            new CarbonAccountant(CarbonConfig.from(ConfigFactory.load()), new SimpleMeterRegistry());

    /** Every member reports 0 bytes at the start and {@code bytesPerStream} to every other member at the end. */
    private void call(String callId, Set<String> members, long seconds, long bytesPerStream, String local) {
        for (long[] point : new long[][] {{START, 0}, {START + seconds * 1000, bytesPerStream}}) {
            for (String reporter : members) {
                List<PeerStats> peers = new ArrayList<>();
                for (String peer : members) {
                    if (!peer.equals(reporter)) {
                        peers.add(new PeerStats(peer, local, "srflx", point[1]));
                    }
                }
                assertTrue(carbon.accept(callId, new StatsReport(reporter, point[0], peers), members)
                        .rejected().isEmpty());
            }
        }
    }

    @Test
    void aOneToOneHourAt1_5MbpsSaves2_7GbOfServerTrafficAndUpTo113Grams() {
        call("one-to-one", Set.of("a", "b"), 3600, ONE_HOUR_AT_1_5_MBPS, "host");

        CallSummary summary = carbon.closeCall("one-to-one").orElseThrow();

        assertEquals(1_350_000_000L, summary.directBytes());
        assertEquals(0, summary.relayedBytes());
        assertEquals(2_700_000_000.0, summary.counterfactualServerBytes(), 1e-3);
        assertEquals(2_700_000_000.0, summary.avoidedDataCentreBytes(), 1e-3);
        assertEquals(1_350_000_000.0, summary.avoidedNetworkBytes(), 1e-3);
        assertEquals(2.180763, summary.avoidedCo2eGramsByPreset().get("conservative"), 1e-9);
        assertEquals(112.7061, summary.avoidedCo2eGramsByPreset().get("swd-v4"), 1e-9);
        assertEquals(53.352, summary.avoidedCo2eGramsByPreset().get("obringer-2021"), 1e-9);
        assertEquals(2.00124, summary.avoidedWaterLitersByPreset().get("swd-v4"), 1e-9);
        assertEquals(2.180763, summary.avoidedCo2eGrams().min(), 1e-9);
        assertEquals(112.7061, summary.avoidedCo2eGrams().max(), 1e-9);
        assertEquals("This call saved about 2.2\u2013113 g CO2e and 2,700 MB of data-centre traffic,"
                + " compared with routing it through a server.", summary.message());
        assertTrue(summary.basis().contains("not an SCI"));
    }

    @Test
    void aMeshOfFourForHalfAnHourSaves5_4GbOfServerTraffic() {
        call("mesh", Set.of("a", "b", "c", "d"), 1800, HALF_HOUR_AT_1_5_MBPS, "host");

        CallSummary summary = carbon.closeCall("mesh").orElseThrow();

        assertEquals(4_050_000_000L, summary.directBytes());
        assertEquals(5_400_000_000.0, summary.avoidedDataCentreBytes(), 1e-3);
        assertEquals(1_350_000_000.0, summary.avoidedNetworkBytes(), 1e-3);
        assertEquals(3.694626, summary.avoidedCo2eGramsByPreset().get("conservative"), 1e-9);
        assertEquals(186.0651, summary.avoidedCo2eGramsByPreset().get("swd-v4"), 1e-9);
        assertEquals(66.69, summary.avoidedCo2eGramsByPreset().get("obringer-2021"), 1e-9);
        assertEquals(3.39714, summary.avoidedWaterLiters().max(), 1e-9);
        assertEquals(0.0665604, summary.avoidedWaterLiters().min(), 1e-10);
    }

    @Test
    void aRelayedCallSavesNothingAndItsRelayEnergyIsReportedSeparately() {
        carbon.recordRelayedBytes("turn-1", 0);
        call("relayed", Set.of("a", "b"), 3600, ONE_HOUR_AT_1_5_MBPS, "relay");
        carbon.recordRelayedBytes("turn-1", 1_350_000_000L);

        CallSummary summary = carbon.closeCall("relayed").orElseThrow();
        Summary total = carbon.summary();

        assertEquals(0, summary.directBytes());
        assertEquals(1_350_000_000L, summary.relayedBytes());
        assertEquals(2_700_000_000.0, summary.counterfactualServerBytes(), 1e-3);
        assertEquals(0.0, summary.avoidedDataCentreBytes());
        assertEquals(0.0, summary.avoidedCo2eGrams().max());
        assertEquals("This call went through a relay server, so it saved no data-centre traffic.", summary.message());
        assertEquals(1_350_000_000L, total.relayBytes());
        assertEquals(267_300.0, total.relayEnergyJoules().get("swd-v4"), 1e-6);
        assertEquals(5_516.1, total.relayEnergyJoules().get("conservative"), 1e-6);
    }

    @Test
    void theSummaryTotalsEveryCallAndExposesTheSpreadAcrossPresets() {
        call("one", Set.of("a", "b"), 3600, ONE_HOUR_AT_1_5_MBPS, "host");
        call("two", Set.of("c", "d", "e", "f"), 1800, HALF_HOUR_AT_1_5_MBPS, "host");
        carbon.closeCall("one");

        Summary summary = carbon.summary();

        assertEquals(1, summary.openCalls());
        assertEquals(5_400_000_000L, summary.directBytes());
        assertEquals(8_100_000_000.0, summary.avoidedDataCentreBytes(), 1e-3);
        assertEquals(112.7061 + 186.0651, summary.avoidedCo2eGrams().max(), 1e-9);
        assertEquals(2.180763 + 3.694626, summary.avoidedCo2eGrams().min(), 1e-9);
        assertEquals((821_340.0 + 1_355_940.0), summary.avoidedEnergyJoules().max(), 1e-6);
        assertEquals(List.of("conservative", "swd-v4", "obringer-2021"),
                summary.presets().stream().map(PresetImpact::preset).toList());
        assertEquals("WORLD", summary.zone());
    }

    @Test
    void callsWithoutReportsForLongerThanTheIdleLimitAreClosedAndKeptInTheTotals() {
        MutableClock clock = new MutableClock();
        CarbonAccountant accountant =
                new CarbonAccountant(CarbonConfig.from(ConfigFactory.load()), new SimpleMeterRegistry(), clock);
        Set<String> room = Set.of("a", "b");
        accountant.accept("old", new StatsReport("a", 1, List.of(new PeerStats("b", "host", "host", 0))), room);
        clock.advance(Duration.ofSeconds(100));
        accountant.accept("old", new StatsReport("a", 2, List.of(new PeerStats("b", "host", "host", 500))), room);
        clock.advance(Duration.ofSeconds(100));
        accountant.openCall("fresh");
        clock.advance(Duration.ofSeconds(30));

        List<CallSummary> closed = accountant.closeIdleCalls(Duration.ofMinutes(1));

        assertEquals(List.of("old"), closed.stream().map(CallSummary::callId).toList());
        assertEquals(500, closed.get(0).directBytes());
        assertEquals(1, accountant.summary().openCalls());
        assertEquals(500, accountant.summary().directBytes());
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void closingAnUnknownCallSaysSo() {
        assertTrue(carbon.closeCall("never-opened").isEmpty());
    }

    @Test
    void concurrentCallsAddUpExactly() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "call-" + i;
                Set<String> members = Set.of(id + "-a", id + "-b");
                runs.add(pool.submit(() -> call(id, members, 3600, ONE_HOUR_AT_1_5_MBPS, "host")));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(8 * 1_350_000_000L, carbon.summary().directBytes());
        assertEquals(8 * 112.7061, carbon.summary().avoidedCo2eGrams().max(), 1e-6);
    }
}
