package io.greenmesh.carbon.model;

import java.util.Locale;
import java.util.Optional;

/** ICE candidate types as named in RFC 8445 §5.1.1 and WebRTC stats ({@code RTCIceCandidateType}). */
public enum CandidateType {
    HOST, SRFLX, PRFLX, RELAY;

    /** Parses the WebRTC spelling ("host", "srflx", "prflx", "relay"); empty for anything else. */
    public static Optional<CandidateType> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "host" -> Optional.of(HOST);
            case "srflx" -> Optional.of(SRFLX);
            case "prflx" -> Optional.of(PRFLX);
            case "relay" -> Optional.of(RELAY);
            default -> Optional.empty();
        };
    }
}
