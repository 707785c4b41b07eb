package io.greenmesh.turn.attribute;

/** PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm chosen by the client and its parameters. */
public record PasswordAlgorithm(int algorithm, Octets parameters) implements StunAttribute {

    public static final int MD5 = 0x0001;
    public static final int SHA256 = 0x0002;

    public PasswordAlgorithm(int algorithm) {
        this(algorithm, Octets.empty());
    }

    @Override
    public int type() {
        return AttributeType.PASSWORD_ALGORITHM;
    }
}
