package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.MediaPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallLedgerTest {

    private static final Set<String> ROOM = Set.of("alice", "bob", "carol");
    private static final long FIFTY_MBPS = 50_000_000L;

    private final CallLedger ledger = new CallLedger("call-1", 1.0, FIFTY_MBPS, LedgerListener.NONE);

    private static StatsReport report(String reporter, long millis, PeerStats... peers) {
        return new StatsReport(reporter, millis, Arrays.asList(peers));
    }

    private static PeerStats direct(String peer, double bytes) {
        return new PeerStats(peer, "host", "srflx", bytes);
    }

    private static PeerStats relayed(String peer, double bytes) {
        return new PeerStats(peer, "relay", "host", bytes);
    }

    @Test
    void theFirstReportOfAPairSetsTheBaselineAndCountsNothing() {
        ReportResult first = ledger.accept(report("alice", 1_000, direct("bob", 5_000_000)), ROOM);

        assertTrue(first.accepted().isEmpty());
        assertTrue(first.rejected().isEmpty());
        assertEquals(0, ledger.traffic().directBytes());
    }

    /** Alice and Bob joined at 1 s and 3 s; Carol came back after a room restart (no join time). */
    private static final CallRoster JOINED = new CallRoster(ROOM, 3, java.util.Map.of("alice", 1_000L, "bob", 3_000L));

    @Test
    void aLinkTheRoomSawBeginCountsItsFirstReportFromZero() {
        ReportResult first = ledger.accept(report("alice", 13_000, direct("bob", 2_000_000)), JOINED);

        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 2_000_000)), first.accepted());
        assertEquals(2_000_000, ledger.traffic().directBytes());
    }

    @Test
    void aFirstReportIsCappedByTheCeilingOverTheTimeSinceTheLinkBegan() {
        // the link began when Bob joined (3 s); 50 Mbit/s for the 2 s since is 12.5 MB
        ReportResult first = ledger.accept(report("alice", 5_000, direct("bob", 1e12)), JOINED);

        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 12_500_000)), first.accepted());
        assertEquals(SuspicionKind.RATE_CAPPED, first.suspicious().get(0).kind());
    }

    @Test
    void aPeerBackFromARoomRestartOnlySetsABaselineSoNothingIsCountedTwice() {
        ReportResult first = ledger.accept(report("alice", 13_000, relayed("carol", 9_000_000)), JOINED);
        ReportResult next = ledger.accept(report("alice", 23_000, relayed("carol", 9_500_000)), JOINED);

        assertTrue(first.accepted().isEmpty());
        assertEquals(List.of(new TrafficDelta("carol", MediaPath.RELAYED, 500_000)), next.accepted());
    }

    @Test
    void aPeerThatJoinsAgainStartsANewLinkInsteadOfLookingLikeACounterReset() {
        ledger.accept(report("alice", 13_000, direct("bob", 2_000_000)), JOINED);
        CallRoster bobAgain = new CallRoster(ROOM, 3, java.util.Map.of("alice", 1_000L, "bob", 20_000L));

        ReportResult again = ledger.accept(report("alice", 25_000, direct("bob", 300_000)), bobAgain);

        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 300_000)), again.accepted());
        assertTrue(again.suspicious().isEmpty(), again.toString());
        assertEquals(2_300_000, ledger.traffic().directBytes());
    }

    @Test
    void aStreamIsPricedAgainstTheRostersRoomSizeNotItsPeerCount() {
        // Carol has left (a 2-peer room now) but her last bytes still arrive and are priced for a room of 2
        CallRoster afterCarolLeft = new CallRoster(ROOM, 2, java.util.Map.of("alice", 1_000L, "carol", 2_000L));

        ledger.accept(report("alice", 12_000, direct("carol", 1_000_000)), afterCarolLeft);

        assertEquals(2 * 1_000_000, ledger.traffic().counterfactualBytes(), 1e-6);
    }

    @Test
    void deltasSinceThePreviousReportAreCountedAndClassifiedByCandidateTypes() {
        ledger.accept(report("alice", 1_000, direct("bob", 0), relayed("carol", 0)), ROOM);

        ReportResult second = ledger.accept(report("alice", 11_000, direct("bob", 1_875_000), relayed("carol", 900_000)),
                ROOM);

        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 1_875_000),
                new TrafficDelta("carol", MediaPath.RELAYED, 900_000)), second.accepted());
        CallTraffic traffic = ledger.traffic();
        assertEquals(1_875_000, traffic.directBytes());
        assertEquals(900_000, traffic.relayedBytes());
        // room of 3: a stream of x stands for x egress + x/2 ingress; only the direct one is avoided
        assertEquals(1.5 * (1_875_000 + 900_000), traffic.counterfactualBytes(), 1e-6);
        assertEquals(1.5 * 1_875_000, traffic.avoided().dataCentre(), 1e-6);
        assertEquals(0.5 * 1_875_000, traffic.avoided().network(), 1e-6);
    }

    @Test
    void eitherSideBeingARelayCandidateMakesTheStreamRelayed() {
        for (String[] types : new String[][] {{"relay", "host"}, {"host", "relay"}, {"relay", "relay"}}) {
            CallLedger fresh = new CallLedger("c", 1.0, FIFTY_MBPS, LedgerListener.NONE);
            fresh.accept(report("alice", 1, new PeerStats("bob", types[0], types[1], 0)), ROOM);
            fresh.accept(report("alice", 10_001, new PeerStats("bob", types[0], types[1], 1000)), ROOM);
            assertEquals(1000, fresh.traffic().relayedBytes(), String.join("/", types));
            assertEquals(0, fresh.traffic().avoided().dataCentre());
        }
        CallLedger prflx = new CallLedger("c", 1.0, FIFTY_MBPS, LedgerListener.NONE);
        prflx.accept(report("alice", 1, new PeerStats("bob", "prflx", "HOST", 0)), ROOM);
        prflx.accept(report("alice", 10_001, new PeerStats("bob", "prflx", "HOST", 1000)), ROOM);
        assertEquals(1000, prflx.traffic().directBytes());
    }

    @Test
    void aCounterGoingBackwardsIsAResetThatIsFlaggedAndNeverSubtracted() {
        ledger.accept(report("alice", 1_000, direct("bob", 1_000_000)), ROOM);

        ReportResult reset = ledger.accept(report("alice", 11_000, direct("bob", 200_000)), ROOM);
        ReportResult after = ledger.accept(report("alice", 21_000, direct("bob", 500_000)), ROOM);

        assertTrue(reset.accepted().isEmpty());
        assertEquals(SuspicionKind.COUNTER_RESET, reset.suspicious().get(0).kind());
        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 300_000)), after.accepted());
        assertEquals(300_000, ledger.traffic().directBytes());
    }

    @Test
    void anAbsurdRateIsCappedToTheCeilingAndFlagged() {
        ledger.accept(report("alice", 1_000, direct("bob", 0)), ROOM);

        ReportResult absurd = ledger.accept(report("alice", 11_000, direct("bob", 1e12)), ROOM);
        ReportResult next = ledger.accept(report("alice", 21_000, direct("bob", 1e12 + 1_000_000)), ROOM);

        // 50 Mbit/s for 10 s = 62.5 MB
        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 62_500_000)), absurd.accepted());
        assertEquals(SuspicionKind.RATE_CAPPED, absurd.suspicious().get(0).kind());
        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 1_000_000)), next.accepted(),
                "the capped-away bytes are never counted later");
        assertTrue(next.suspicious().isEmpty());
    }

    @Test
    void peersOutsideTheRoomAreRejectedWhileTheRestOfTheReportCounts() {
        ledger.accept(report("alice", 1_000, direct("bob", 0), direct("mallory", 0)), ROOM);

        ReportResult result = ledger.accept(report("alice", 11_000, direct("bob", 1000), direct("mallory", 9e9)), ROOM);

        assertEquals(List.of(new TrafficDelta("bob", MediaPath.DIRECT, 1000)), result.accepted());
        assertEquals(RejectReason.PEER_NOT_IN_ROOM, result.rejected().get(0).reason());
        assertEquals("mallory", result.rejected().get(0).remotePeerId());
        assertTrue(result.refusal().orElseThrow().contains("mallory"));
    }

    @Test
    void aReporterOutsideTheRoomHasTheWholeReportRejected() {
        ReportResult result = ledger.accept(report("mallory", 1_000, direct("bob", 1000)), ROOM);

        assertTrue(result.accepted().isEmpty());
        assertEquals(RejectReason.REPORTER_NOT_IN_ROOM, result.rejected().get(0).reason());
        assertNull(result.rejected().get(0).remotePeerId());
    }

    @Test
    void aReportNotNewerThanThePreviousOneIsRejected() {
        ledger.accept(report("alice", 5_000, direct("bob", 0)), ROOM);

        ReportResult replay = ledger.accept(report("alice", 5_000, direct("bob", 1000)), ROOM);

        assertEquals(RejectReason.STALE_TIMESTAMP, replay.rejected().get(0).reason());
        assertEquals(0, ledger.traffic().directBytes());
    }

    static Stream<Arguments> malformedEntries() {
        return Stream.of(
                Arguments.of(direct("bob", -1), RejectReason.INVALID_BYTE_COUNT),
                Arguments.of(direct("bob", Double.NaN), RejectReason.INVALID_BYTE_COUNT),
                Arguments.of(direct("bob", Double.POSITIVE_INFINITY), RejectReason.INVALID_BYTE_COUNT),
                Arguments.of(direct("bob", 12.5), RejectReason.INVALID_BYTE_COUNT),
                Arguments.of(direct("bob", 1e30), RejectReason.INVALID_BYTE_COUNT),
                Arguments.of(new PeerStats("bob", "turn", "host", 10), RejectReason.UNKNOWN_CANDIDATE_TYPE),
                Arguments.of(new PeerStats("bob", "host", null, 10), RejectReason.UNKNOWN_CANDIDATE_TYPE),
                Arguments.of(new PeerStats(null, "host", "host", 10), RejectReason.MALFORMED_PEER_STATS),
                Arguments.of(new PeerStats(" ", "host", "host", 10), RejectReason.MALFORMED_PEER_STATS),
                Arguments.of(null, RejectReason.MALFORMED_PEER_STATS),
                Arguments.of(direct("alice", 10), RejectReason.SELF_REFERENCE));
    }

    @ParameterizedTest
    @MethodSource("malformedEntries")
    void malformedEntriesAreRejectedWithAReasonAndNeverThrow(PeerStats entry, RejectReason reason) {
        List<PeerStats> peers = new ArrayList<>();
        peers.add(entry);
        peers.add(direct("carol", 0));

        ReportResult result = ledger.accept(new StatsReport("alice", 1_000, peers), ROOM);

        assertEquals(1, result.rejected().size(), result.toString());
        assertEquals(reason, result.rejected().get(0).reason());
        assertTrue(!result.rejected().get(0).detail().isBlank());
    }

    @Test
    void aPeerNamedTwiceInOneReportIsRejectedTheSecondTime() {
        ReportResult result = ledger.accept(report("alice", 1_000, direct("bob", 0), direct("bob", 5)), ROOM);

        assertEquals(RejectReason.DUPLICATE_PEER, result.rejected().get(0).reason());
    }

    @Test
    void malformedReportsAreRejectedWhole() {
        assertEquals(RejectReason.MALFORMED_REPORT, ledger.accept(null, ROOM).rejected().get(0).reason());
        assertEquals(RejectReason.MALFORMED_REPORT,
                ledger.accept(new StatsReport(null, 1, null), ROOM).rejected().get(0).reason());
        assertEquals(RejectReason.MALFORMED_REPORT,
                ledger.accept(report("alice", 0, direct("bob", 1)), ROOM).rejected().get(0).reason());
        assertEquals(RejectReason.REPORTER_NOT_IN_ROOM,
                ledger.accept(report("alice", 1, direct("bob", 1)), (Set<String>) null).rejected().get(0).reason());
    }

    @Test
    void theRelaysOwnCounterIsTrustedAcrossRestartsButItsFirstReadingIsABaseline() {
        RelayCounter counter = new RelayCounter();

        assertEquals(0, counter.advance(10_000));
        assertEquals(5_000, counter.advance(15_000));
        assertEquals(2_000, counter.advance(2_000), "a restart counts what was relayed since");
        assertEquals(0, counter.advance(-1));
        assertEquals(1_000, counter.advance(3_000));
    }
}
