package io.greenmesh.turn.codec;

import java.text.Normalizer;

/**
 * SASLprep (RFC 4013) as far as STUN long-term credentials need it (RFC 8489 §9.2.2 and the RFC 5769 §2.4
 * vector): map "commonly mapped to nothing" characters away, map non-ASCII spaces to U+0020, normalise with
 * NFKC and refuse control characters. Bidirectional checks are not implemented.
 */
public final class SaslPrep {

    private SaslPrep() {
    }

    /** The prepared string; throws IllegalArgumentException for prohibited characters. */
    public static String prepare(String input) {
        StringBuilder mapped = new StringBuilder(input.length());
        for (int i = 0; i < input.length(); ) {
            int cp = input.codePointAt(i);
            i += Character.charCount(cp);
            if (mappedToNothing(cp)) {
                continue;
            }
            mapped.appendCodePoint(Character.isSpaceChar(cp) ? ' ' : cp);
        }
        String normalised = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalised.length(); ) {
            int cp = normalised.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.PRIVATE_USE
                    || Character.getType(cp) == Character.SURROGATE || cp == 0xFFFD) {
                throw new IllegalArgumentException("prohibited character U+" + Integer.toHexString(cp));
            }
        }
        return normalised;
    }

    /** RFC 3454 table B.1. */
    private static boolean mappedToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }
}
