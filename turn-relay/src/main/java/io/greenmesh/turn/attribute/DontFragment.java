package io.greenmesh.turn.attribute;

/** DONT-FRAGMENT (RFC 8656 §18.8): no value; asks the relay to set DF on relayed packets. */
public record DontFragment() implements StunAttribute {

    @Override
    public int type() {
        return AttributeType.DONT_FRAGMENT;
    }
}
