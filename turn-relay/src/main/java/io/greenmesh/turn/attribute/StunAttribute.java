package io.greenmesh.turn.attribute;

/**
 * One STUN/TURN attribute (RFC 8489 §14, RFC 8656 §18). Every implementation is an immutable record named as
 * in the RFC; the wire format lives in {@code io.greenmesh.turn.codec}, not here.
 */
public sealed interface StunAttribute permits MappedAddress, XorMappedAddress, XorPeerAddress,
        XorRelayedAddress, Username, Realm, Nonce, Software, MessageIntegrity, MessageIntegritySha256,
        Fingerprint, ErrorCode, UnknownAttributes, Lifetime, RequestedTransport, RequestedAddressFamily,
        AdditionalAddressFamily, DontFragment, EvenPort, ReservationToken, ChannelNumber, Data,
        PasswordAlgorithm, PasswordAlgorithms, UnknownAttribute {

    /** The 16-bit attribute type as it appears on the wire. */
    int type();
}
