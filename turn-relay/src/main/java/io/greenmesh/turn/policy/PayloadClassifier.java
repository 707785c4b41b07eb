package io.greenmesh.turn.policy;

import java.nio.ByteBuffer;

/**
 * The encrypted-only check: demultiplexes a relayed payload by its first byte as RFC 7983 §7 does, then checks
 * that the bytes have the shape of the protocol that range belongs to.
 * <ul>
 *   <li>0..3 STUN: magic cookie 0x2112A442 and a length field that matches the datagram;</li>
 *   <li>20..63 DTLS: a DTLS 1.0/1.2 record (content type 20..23, version 0xFEFF or 0xFEFD, record length that
 *       fits), or a DTLS 1.3 unified header (0b001xxxxx, RFC 9147 §4) but only after a handshake record was
 *       seen: that range is also printable ASCII (digits, space, '<'), so on its own it proves nothing;</li>
 *   <li>128..191 RTP/RTCP: version 2 and at least a minimal header, and only on a permission on which a DTLS
 *       handshake record was already seen (DTLS-SRTP keys come from that handshake);</li>
 *   <li>anything else is dropped: as {@code plaintext} when it starts with printable ASCII, else {@code unknown}.</li>
 * </ul>
 * It reads with absolute gets and allocates nothing, so it runs per packet on the data path.
 */
public final class PayloadClassifier {

    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int DTLS_RECORD_HEADER = 13;
    private static final int RTP_MIN_HEADER = 12;
    private static final int RTCP_MIN_HEADER = 8;

    private PayloadClassifier() {
    }

    /** Classifies {@code buf[offset, offset+length)}; {@code dtlsSeen} tells whether SRTP may be accepted. */
    public static PayloadVerdict classify(ByteBuffer buf, int offset, int length, boolean dtlsSeen) {
        if (length <= 0) {
            return PayloadVerdict.EMPTY;
        }
        int first = buf.get(offset) & 0xFF;
        if (first <= 3) {
            return isStun(buf, offset, length) ? PayloadVerdict.STUN : PayloadVerdict.MALFORMED_STUN;
        }
        if (first >= 20 && first <= 63) {
            PayloadVerdict verdict = dtls(buf, offset, length, first, dtlsSeen);
            return verdict.relay() || !looksLikeText(buf, offset, length) ? verdict : PayloadVerdict.PLAINTEXT;
        }
        if (first >= 128 && first <= 191) {
            if (!isRtpOrRtcp(buf, offset, length)) {
                return PayloadVerdict.MALFORMED_RTP;
            }
            return dtlsSeen ? PayloadVerdict.SRTP : PayloadVerdict.CIPHERTEXT_BEFORE_DTLS;
        }
        return looksLikeText(buf, offset, length) ? PayloadVerdict.PLAINTEXT : PayloadVerdict.UNKNOWN;
    }

    /** Convenience for tests and the control plane; wraps the array (one small allocation). */
    public static PayloadVerdict classify(byte[] payload, boolean dtlsSeen) {
        return classify(ByteBuffer.wrap(payload), 0, payload.length, dtlsSeen);
    }

    private static boolean isStun(ByteBuffer buf, int offset, int length) {
        if (length < 20) {
            return false;
        }
        int messageLength = buf.getShort(offset + 2) & 0xFFFF;
        return (messageLength & 3) == 0 && messageLength + 20 == length && buf.getInt(offset + 4) == MAGIC_COOKIE;
    }

    private static PayloadVerdict dtls(ByteBuffer buf, int offset, int length, int first, boolean dtlsSeen) {
        if ((first & 0xE0) == 0x20) {
            // DTLS 1.3 unified header 0b001CSLEE: connection id, 8/16-bit sequence, optional length.
            if (!dtlsSeen) {
                return PayloadVerdict.CIPHERTEXT_BEFORE_DTLS;
            }
            boolean cid = (first & 0x10) != 0;
            int sequenceBytes = (first & 0x08) != 0 ? 2 : 1;
            boolean hasLength = (first & 0x04) != 0;
            if (cid) {
                // The connection id length is negotiated and not on the wire: only require a plausible minimum.
                return length >= 1 + sequenceBytes + 16 ? PayloadVerdict.DTLS : PayloadVerdict.MALFORMED_DTLS;
            }
            int header = 1 + sequenceBytes + (hasLength ? 2 : 0);
            if (length < header + 16) { // at least an AEAD tag
                return PayloadVerdict.MALFORMED_DTLS;
            }
            if (hasLength) {
                int recordLength = buf.getShort(offset + 1 + sequenceBytes) & 0xFFFF;
                if (recordLength > length - header) {
                    return PayloadVerdict.MALFORMED_DTLS;
                }
            }
            return PayloadVerdict.DTLS;
        }
        if (first > 23) {
            return PayloadVerdict.MALFORMED_DTLS;
        }
        if (length < DTLS_RECORD_HEADER) {
            return PayloadVerdict.MALFORMED_DTLS;
        }
        int version = buf.getShort(offset + 1) & 0xFFFF;
        if (version != 0xFEFF && version != 0xFEFD) {
            return PayloadVerdict.MALFORMED_DTLS;
        }
        int recordLength = buf.getShort(offset + 11) & 0xFFFF;
        if (recordLength == 0 || recordLength > length - DTLS_RECORD_HEADER) {
            return PayloadVerdict.MALFORMED_DTLS;
        }
        return first == 22 ? PayloadVerdict.DTLS_HANDSHAKE : PayloadVerdict.DTLS;
    }

    private static boolean isRtpOrRtcp(ByteBuffer buf, int offset, int length) {
        if (length < RTCP_MIN_HEADER) {
            return false;
        }
        int payloadType = buf.get(offset + 1) & 0x7F;
        boolean rtcp = payloadType >= 64 && payloadType <= 95; // RFC 5761 §4: RTCP packet types 192..223
        return rtcp || length >= RTP_MIN_HEADER;
    }

    /** The first (up to) eight bytes are all printable ASCII or whitespace. */
    private static boolean looksLikeText(ByteBuffer buf, int offset, int length) {
        int n = Math.min(length, 8);
        for (int i = 0; i < n; i++) {
            int c = buf.get(offset + i) & 0xFF;
            if (!(c >= 0x20 && c < 0x7F) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
