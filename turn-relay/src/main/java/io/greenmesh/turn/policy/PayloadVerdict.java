package io.greenmesh.turn.policy;

/** What the encrypted-only check decided about one relayed payload; {@link #label()} is the metric label. */
public enum PayloadVerdict {
    STUN(true, "stun"),
    DTLS(true, "dtls"),
    /** A DTLS handshake record: marks the permission so that SRTP may follow. */
    DTLS_HANDSHAKE(true, "dtls"),
    SRTP(true, "srtp"),
    EMPTY(false, "empty"),
    PLAINTEXT(false, "plaintext"),
    UNKNOWN(false, "unknown"),
    MALFORMED_STUN(false, "malformed_stun"),
    MALFORMED_DTLS(false, "malformed_dtls"),
    MALFORMED_RTP(false, "malformed_rtp"),
    /** SRTP or a DTLS 1.3 ciphertext record on a permission where no DTLS handshake record was seen yet. */
    CIPHERTEXT_BEFORE_DTLS(false, "before_dtls_handshake");

    private final boolean relay;
    private final String label;

    PayloadVerdict(boolean relay, String label) {
        this.relay = relay;
        this.label = label;
    }

    /** True when the payload has the shape of encrypted WebRTC traffic and may be relayed. */
    public boolean relay() {
        return relay;
    }

    public String label() {
        return label;
    }
}
