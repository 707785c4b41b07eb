package io.greenmesh.carbon.accounting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One periodic report from a client.
 *
 * @param reporterPeerId   the reporting peer
 * @param timestampMillis  the client's clock when the stats were taken; only compared with the same client's
 *                         earlier reports
 * @param peers            one entry per remote peer; may hold nulls from a hostile payload, which are rejected
 */
public record StatsReport(String reporterPeerId, long timestampMillis, List<PeerStats> peers) {

    public StatsReport {
        peers = peers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(peers));
    }
}
