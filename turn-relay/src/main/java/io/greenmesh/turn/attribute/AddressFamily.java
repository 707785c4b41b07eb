package io.greenmesh.turn.attribute;

/** The address family byte used by address attributes and REQUESTED-ADDRESS-FAMILY. */
public enum AddressFamily {
    IPV4(0x01),
    IPV6(0x02);

    private final int code;

    AddressFamily(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The family for a wire code, or null when the code names no family. */
    public static AddressFamily fromCode(int code) {
        return switch (code) {
            case 0x01 -> IPV4;
            case 0x02 -> IPV6;
            default -> null;
        };
    }
}
