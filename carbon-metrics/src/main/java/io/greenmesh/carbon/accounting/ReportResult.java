package io.greenmesh.carbon.accounting;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What happened to one stats report.
 *
 * @param reporterPeerId  the reporter, as given
 * @param accepted        bytes counted per remote peer (entries that only set a baseline are not listed)
 * @param rejected        what was not counted and why; an entry with a null peer id means the whole report
 * @param suspicious      accepted entries that were counted conservatively
 */
public record ReportResult(String reporterPeerId, List<TrafficDelta> accepted, List<Rejection> rejected,
                           List<Suspicion> suspicious) {

    public ReportResult {
        accepted = List.copyOf(accepted);
        rejected = List.copyOf(rejected);
        suspicious = List.copyOf(suspicious);
    }

    /** Null-free summary of what was rejected, for an error message to the client; empty if nothing was. */
    public Optional<String> refusal() {
        if (rejected.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(rejected.stream()
                .map(r -> (r.remotePeerId() == null ? "" : r.remotePeerId() + ": ") + r.detail())
                .collect(Collectors.joining("; ")));
    }

    static ReportResult rejectedWhole(String reporterPeerId, RejectReason reason, String detail) {
        return new ReportResult(reporterPeerId, List.of(), List.of(new Rejection(null, reason, detail)), List.of());
    }
}
