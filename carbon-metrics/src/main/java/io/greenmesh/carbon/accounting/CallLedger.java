package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.Counterfactual;
import io.greenmesh.carbon.model.MediaPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The traffic of one call, built from its participants' stats reports. Thread-safe.
 *
 * <p>Per (reporter, remote peer) pair it keeps the last cumulative byte count and computes deltas:
 * <ul>
 *   <li>the first report of a link the room saw begin (both peers' joins are in the {@link CallRoster}) counts
 *       from zero at the link's start, capped by the rate ceiling over the time since, so the first seconds of a
 *       call are not lost; a baseline older than the link's start belongs to an earlier link of the same pair (a
 *       peer that left and joined again) and is replaced the same way;</li>
 *   <li>the first report of any other pair (its peers came back after a room restart, their counters began in an
 *       earlier ledger) sets the baseline and counts nothing, so nothing is counted twice;</li>
 *   <li>a counter that goes backwards is a reset: nothing is counted, the new value becomes the baseline;</li>
 *   <li>a delta implying more than the rate ceiling over the time since the pair's baseline is capped to the
 *       ceiling; the baseline still moves to the reported value, so capped bytes are never counted later.</li>
 * </ul>
 * Each delta is classified by the candidate pair selected at report time and priced against the counterfactual
 * with the room size at report time.
 */
public final class CallLedger {

    private record PairKey(String reporter, String remote) {
    }

    private record Baseline(long cumulativeBytes, long timestampMillis) {
    }

    private final String callId;
    private final double simulcastFactor;
    private final long rateCeilingBitsPerSecond;
    private final StatsReportValidator validator = new StatsReportValidator();
    private final LedgerListener listener;

    private final Map<String, Long> lastReportMillis = new HashMap<>();
    private final Map<PairKey, Baseline> baselines = new HashMap<>();
    private final TrafficTally tally = new TrafficTally();

    public CallLedger(String callId, double simulcastFactor, long rateCeilingBitsPerSecond, LedgerListener listener) {
        this.callId = Objects.requireNonNull(callId, "callId");
        this.simulcastFactor = simulcastFactor;
        this.rateCeilingBitsPerSecond = rateCeilingBitsPerSecond;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public String callId() {
        return callId;
    }

    /**
     * Counts one report, with nobody's join time known (every pair's first report is a baseline).
     *
     * @param report       as received from the client
     * @param roomMembers  peer ids in the room now, reporter included
     */
    public ReportResult accept(StatsReport report, Set<String> roomMembers) {
        return accept(report, CallRoster.of(roomMembers));
    }

    /**
     * Counts one report.
     *
     * @param report  as received from the client
     * @param roster  the call's peers (reporter included) and join times
     */
    public synchronized ReportResult accept(StatsReport report, CallRoster roster) {
        StatsReportValidator.Validation validation = validator.validate(report, roster.peers());
        if (validation.reportRejection().isPresent()) {
            Rejection rejection = validation.reportRejection().get();
            listener.onRejection(rejection.reason());
            return new ReportResult(report == null ? null : report.reporterPeerId(), List.of(), List.of(rejection),
                    List.of());
        }
        String reporter = report.reporterPeerId();
        Long previous = lastReportMillis.get(reporter);
        if (previous != null && report.timestampMillis() <= previous) {
            listener.onRejection(RejectReason.STALE_TIMESTAMP);
            return ReportResult.rejectedWhole(reporter, RejectReason.STALE_TIMESTAMP,
                    "timestamp " + report.timestampMillis() + " is not after the previous report's " + previous);
        }
        lastReportMillis.put(reporter, report.timestampMillis());
        validation.rejections().forEach(r -> listener.onRejection(r.reason()));

        int roomSize = roster.roomSize();
        List<TrafficDelta> accepted = new ArrayList<>();
        List<Suspicion> suspicious = new ArrayList<>();
        for (StatsReportValidator.PeerSample sample : validation.samples()) {
            PairKey key = new PairKey(reporter, sample.remotePeerId());
            Baseline baseline = baselines.put(key, new Baseline(sample.bytesSent(), report.timestampMillis()));
            Long linkStart = roster.linkStartMillis(reporter, sample.remotePeerId());
            if (linkStart != null && (baseline == null || baseline.timestampMillis() < linkStart)) {
                baseline = new Baseline(0, Math.min(linkStart, report.timestampMillis()));
            }
            if (baseline == null) {
                continue;
            }
            long delta = sample.bytesSent() - baseline.cumulativeBytes();
            if (delta < 0) {
                suspicious.add(new Suspicion(sample.remotePeerId(), SuspicionKind.COUNTER_RESET,
                        "bytesSent went from " + baseline.cumulativeBytes() + " to " + sample.bytesSent()));
                listener.onSuspicion(SuspicionKind.COUNTER_RESET);
                continue;
            }
            long ceiling = maxBytes(report.timestampMillis() - baseline.timestampMillis());
            if (delta > ceiling) {
                suspicious.add(new Suspicion(sample.remotePeerId(), SuspicionKind.RATE_CAPPED,
                        delta + " bytes in " + (report.timestampMillis() - baseline.timestampMillis())
                                + " ms exceeds " + rateCeilingBitsPerSecond + " bit/s; counted " + ceiling));
                listener.onSuspicion(SuspicionKind.RATE_CAPPED);
                delta = ceiling;
            }
            if (delta == 0) {
                continue;
            }
            count(sample.path(), delta, roomSize);
            accepted.add(new TrafficDelta(sample.remotePeerId(), sample.path(), delta));
        }
        return new ReportResult(reporter, accepted, validation.rejections(), suspicious);
    }

    /** Totals so far. */
    public synchronized CallTraffic traffic() {
        return tally.snapshot();
    }

    private void count(MediaPath path, long bytes, int roomSize) {
        double serverBytes = Counterfactual.serverBytesForStream(bytes, roomSize, simulcastFactor);
        AvoidedBytes saved = path == MediaPath.DIRECT
                ? Counterfactual.forDirectStream(bytes, roomSize, simulcastFactor)
                : AvoidedBytes.ZERO;
        tally.add(path, bytes, serverBytes, saved);
        listener.onDelta(path, bytes, serverBytes, saved);
    }

    private long maxBytes(long elapsedMillis) {
        // bits/s × ms / 8000 = bytes; computed in double to avoid overflow on long gaps
        return (long) Math.floor((double) rateCeilingBitsPerSecond * elapsedMillis / 8000.0);
    }
}
