package io.greenmesh.carbon.accounting;

/**
 * What a client reports about one remote peer: the selected ICE candidate pair and the cumulative bytes it has
 * sent to that peer. Fields are as received (strings, a double for a JSON number) so that malformed values can be
 * rejected with a reason instead of failing deserialization.
 *
 * @param remotePeerId         the peer the bytes were sent to
 * @param localCandidateType   "host", "srflx", "prflx" or "relay" (RTCIceCandidateStats.candidateType)
 * @param remoteCandidateType  the same for the remote candidate
 * @param bytesSent            cumulative bytes sent to that peer since its peer connection started
 */
public record PeerStats(String remotePeerId, String localCandidateType, String remoteCandidateType,
                        double bytesSent) {
}
