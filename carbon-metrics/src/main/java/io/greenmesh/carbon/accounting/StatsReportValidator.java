package io.greenmesh.carbon.accounting;

import io.greenmesh.carbon.model.CandidateType;
import io.greenmesh.carbon.model.MediaPath;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the shape of a report and that everyone it names is in the room. Stateless; the comparison with earlier
 * reports (timestamps, counters, rates) is the {@link CallLedger}'s.
 */
public final class StatsReportValidator {

    /** The largest double that converts to a long exactly enough to be a byte count. */
    private static final double MAX_BYTES = 0x1p63 - 1024;

    /**
     * One well-formed entry.
     *
     * @param remotePeerId  receiving peer, a room member other than the reporter
     * @param path          direct or relayed
     * @param bytesSent     cumulative bytes sent to that peer
     */
    public record PeerSample(String remotePeerId, MediaPath path, long bytesSent) {
    }

    /**
     * The outcome of validation.
     *
     * @param reportRejection  present when the whole report is unusable; then {@code samples} is empty
     * @param samples          well-formed entries
     * @param rejections       entries that were not well-formed, with reasons
     */
    public record Validation(Optional<Rejection> reportRejection, List<PeerSample> samples,
                             List<Rejection> rejections) {
    }

    public Validation validate(StatsReport report, Set<String> roomMembers) {
        Set<String> members = roomMembers == null ? Set.of() : roomMembers;
        if (report == null || isBlank(report.reporterPeerId())) {
            return whole(RejectReason.MALFORMED_REPORT, "report has no reporter peer id");
        }
        if (report.timestampMillis() <= 0) {
            return whole(RejectReason.MALFORMED_REPORT, "timestamp must be positive, got " + report.timestampMillis());
        }
        if (!members.contains(report.reporterPeerId())) {
            return whole(RejectReason.REPORTER_NOT_IN_ROOM, "reporter is not a member of the room");
        }
        List<PeerSample> samples = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PeerStats entry : report.peers()) {
            Rejection rejection = check(report.reporterPeerId(), entry, members, seen);
            if (rejection != null) {
                rejections.add(rejection);
            } else {
                samples.add(new PeerSample(entry.remotePeerId(),
                        MediaPath.of(CandidateType.parse(entry.localCandidateType()).orElseThrow(),
                                CandidateType.parse(entry.remoteCandidateType()).orElseThrow()),
                        (long) entry.bytesSent()));
            }
        }
        return new Validation(Optional.empty(), samples, rejections);
    }

    private static Rejection check(String reporter, PeerStats entry, Set<String> members, Set<String> seen) {
        if (entry == null || isBlank(entry.remotePeerId())) {
            return new Rejection(null, RejectReason.MALFORMED_PEER_STATS, "peer entry without a remote peer id");
        }
        String peer = entry.remotePeerId();
        if (peer.equals(reporter)) {
            return new Rejection(peer, RejectReason.SELF_REFERENCE, "reporter names itself as remote peer");
        }
        if (!members.contains(peer)) {
            return new Rejection(peer, RejectReason.PEER_NOT_IN_ROOM, "remote peer is not a member of the room");
        }
        if (!seen.add(peer)) {
            return new Rejection(peer, RejectReason.DUPLICATE_PEER, "remote peer appears more than once in the report");
        }
        for (String type : new String[] {entry.localCandidateType(), entry.remoteCandidateType()}) {
            if (CandidateType.parse(type).isEmpty()) {
                return new Rejection(peer, RejectReason.UNKNOWN_CANDIDATE_TYPE,
                        "candidate type '" + type + "' is not one of host, srflx, prflx, relay");
            }
        }
        double bytes = entry.bytesSent();
        if (!(bytes >= 0) || bytes > MAX_BYTES || bytes != Math.rint(bytes)) {
            return new Rejection(peer, RejectReason.INVALID_BYTE_COUNT,
                    "bytesSent must be a whole number of bytes >= 0, got " + bytes);
        }
        return null;
    }

    private static Validation whole(RejectReason reason, String detail) {
        return new Validation(Optional.of(new Rejection(null, reason, detail)), List.of(), List.of());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
