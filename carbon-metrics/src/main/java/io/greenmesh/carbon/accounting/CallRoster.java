package io.greenmesh.carbon.accounting;

import java.util.Map;
import java.util.Set;

/**
 * Who is in a call, as the room sees it when a report arrives.
 *
 * @param peers           every peer of the call a report may name, including those that have left it (their last
 *                        bytes arrive after they go)
 * @param roomSize        how many peers a stream is priced against in the counterfactual
 * @param joinedAtMillis  when each peer that joined during this room's life joined it, on the clock of the report
 *                        timestamps; a peer absent here came back after the room restarted, so its links (and their
 *                        cumulative counters) are older than the ledger
 */
public record CallRoster(Set<String> peers, int roomSize, Map<String, Long> joinedAtMillis) {

    public CallRoster {
        peers = Set.copyOf(peers);
        joinedAtMillis = Map.copyOf(joinedAtMillis);
    }

    /** A roster that knows no join times: every pair's first report is a baseline. */
    public static CallRoster of(Set<String> peers) {
        Set<String> copy = peers == null ? Set.of() : peers;
        return new CallRoster(copy, copy.size(), Map.of());
    }

    /**
     * When the link between two peers began: the later of their joins, since a link starts when its second peer
     * arrives. Null if either peer's join is unknown.
     */
    Long linkStartMillis(String a, String b) {
        Long ja = joinedAtMillis.get(a);
        Long jb = joinedAtMillis.get(b);
        return ja == null || jb == null ? null : Math.max(ja, jb);
    }
}
