package io.greenmesh.turn.message;

import io.greenmesh.turn.attribute.StunAttribute;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A STUN message (RFC 8489 §5): class, method, 96-bit transaction id and the attributes in wire order.
 * MESSAGE-INTEGRITY(-SHA256) and FINGERPRINT appear here when decoded; the encoder computes them itself.
 */
public record StunMessage(MessageClass messageClass, Method method, byte[] transactionId,
                          List<StunAttribute> attributes) {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_LENGTH = 20;
    public static final int TRANSACTION_ID_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    public StunMessage {
        Objects.requireNonNull(messageClass, "messageClass");
        Objects.requireNonNull(method, "method");
        if (transactionId.length != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction id is 12 bytes");
        }
        transactionId = transactionId.clone();
        attributes = List.copyOf(attributes);
    }

    /** A new random 96-bit transaction id. */
    public static byte[] newTransactionId() {
        byte[] id = new byte[TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    public static StunMessage request(Method method, List<StunAttribute> attributes) {
        return new StunMessage(MessageClass.REQUEST, method, newTransactionId(), attributes);
    }

    /** A success response to this message, same method and transaction id. */
    public StunMessage success(List<StunAttribute> attributes) {
        return new StunMessage(MessageClass.SUCCESS_RESPONSE, method, transactionId, attributes);
    }

    /** An error response to this message, same method and transaction id. */
    public StunMessage error(List<StunAttribute> attributes) {
        return new StunMessage(MessageClass.ERROR_RESPONSE, method, transactionId, attributes);
    }

    @Override
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** The first attribute of the given record type, if any. */
    public <T extends StunAttribute> Optional<T> attribute(Class<T> type) {
        for (StunAttribute a : attributes) {
            if (type.isInstance(a)) {
                return Optional.of(type.cast(a));
            }
        }
        return Optional.empty();
    }

    /** Every attribute of the given record type, in wire order. */
    public <T extends StunAttribute> List<T> all(Class<T> type) {
        return attributes.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StunMessage that && messageClass == that.messageClass && method == that.method
                && Arrays.equals(transactionId, that.transactionId) && attributes.equals(that.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageClass, method, Arrays.hashCode(transactionId), attributes);
    }

    @Override
    public String toString() {
        return "StunMessage[" + method + " " + messageClass + " tx=" + HexFormat.of().formatHex(transactionId)
                + " " + attributes + "]";
    }
}
