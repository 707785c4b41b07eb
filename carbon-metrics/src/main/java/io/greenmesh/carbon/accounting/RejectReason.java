package io.greenmesh.carbon.accounting;

import java.util.Locale;

/** Why a report, or one entry of it, was not counted. */
public enum RejectReason {
    /** The report has no reporter id or no positive timestamp. */
    MALFORMED_REPORT,
    /** The reporter is not a member of the room. */
    REPORTER_NOT_IN_ROOM,
    /** The timestamp is not after the reporter's previous accepted report. */
    STALE_TIMESTAMP,
    /** A peer entry is null or has no remote peer id. */
    MALFORMED_PEER_STATS,
    /** The remote peer is not a member of the room. */
    PEER_NOT_IN_ROOM,
    /** The reporter names itself as remote peer. */
    SELF_REFERENCE,
    /** The same remote peer appears twice in one report. */
    DUPLICATE_PEER,
    /** A candidate type is not host, srflx, prflx or relay. */
    UNKNOWN_CANDIDATE_TYPE,
    /** bytesSent is negative, NaN, infinite, fractional or beyond a long. */
    INVALID_BYTE_COUNT;

    /** The value of the {@code reason} metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
