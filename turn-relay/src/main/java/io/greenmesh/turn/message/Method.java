package io.greenmesh.turn.message;

/** The STUN methods this relay speaks (RFC 8489 §18.2, RFC 8656 §17). */
public enum Method {
    BINDING(0x001),
    ALLOCATE(0x003),
    REFRESH(0x004),
    SEND(0x006),
    DATA(0x007),
    CREATE_PERMISSION(0x008),
    CHANNEL_BIND(0x009);

    private final int code;

    Method(int code) {
        this.code = code;
    }

    /** The 12-bit method number. */
    public int code() {
        return code;
    }

    /** The method for a 12-bit number, or null when this relay does not know it. */
    public static Method fromCode(int code) {
        for (Method m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        return null;
    }
}
