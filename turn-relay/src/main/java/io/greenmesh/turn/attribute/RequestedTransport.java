package io.greenmesh.turn.attribute;

/** REQUESTED-TRANSPORT (RFC 8656 §18.7): IANA protocol number, 17 for UDP. */
public record RequestedTransport(int protocol) implements StunAttribute {
    /** The only relayed transport this server offers. */
    public static final int UDP = 17;

    public RequestedTransport {
        if (protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("RequestedTransport out of range: " + protocol);
        }
    }

    @Override
    public int type() {
        return AttributeType.REQUESTED_TRANSPORT;
    }
}
