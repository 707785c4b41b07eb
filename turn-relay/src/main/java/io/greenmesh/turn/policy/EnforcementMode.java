package io.greenmesh.turn.policy;

import java.util.Locale;

/** How the encrypted-only check acts on what it classifies. */
public enum EnforcementMode {
    /** Drop everything that is not STUN, DTLS or (after DTLS) SRTP/SRTCP. The default. */
    ENFORCE,
    /** Classify and count would-be drops, but relay everything: for rolling the check out. */
    MONITOR,
    /** Do not classify at all. */
    OFF;

    public static EnforcementMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
