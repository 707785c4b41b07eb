package io.greenmesh.turn.codec;

import io.greenmesh.turn.attribute.AdditionalAddressFamily;
import io.greenmesh.turn.attribute.AddressFamily;
import io.greenmesh.turn.attribute.AttributeType;
import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.DontFragment;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.EvenPort;
import io.greenmesh.turn.attribute.Fingerprint;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.MappedAddress;
import io.greenmesh.turn.attribute.MessageIntegrity;
import io.greenmesh.turn.attribute.MessageIntegritySha256;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Octets;
import io.greenmesh.turn.attribute.PasswordAlgorithm;
import io.greenmesh.turn.attribute.PasswordAlgorithms;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedAddressFamily;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.ReservationToken;
import io.greenmesh.turn.attribute.Software;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.attribute.UnknownAttribute;
import io.greenmesh.turn.attribute.UnknownAttributes;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorMappedAddress;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.attribute.XorRelayedAddress;
import io.greenmesh.turn.message.StunMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Wire format of each attribute value (RFC 8489 §14, RFC 8656 §18), both directions. */
final class AttributeCodec {

    static final int MAX_USERNAME_BYTES = 513;
    static final int MAX_TEXT_BYTES = 763;

    private AttributeCodec() {
    }

    /** Thrown internally for a bad value; the decoder turns it into a {@link DecodeResult.Malformed}. */
    static final class BadAttribute extends Exception {
        BadAttribute(String reason) {
            super(reason, null, false, false);
        }
    }

    static StunAttribute decode(int type, byte[] b, int off, int len, byte[] txId) throws BadAttribute {
        return switch (type) {
            case AttributeType.MAPPED_ADDRESS -> new MappedAddress(address(b, off, len, null, "MAPPED-ADDRESS"));
            case AttributeType.XOR_MAPPED_ADDRESS ->
                    new XorMappedAddress(address(b, off, len, txId, "XOR-MAPPED-ADDRESS"));
            case AttributeType.XOR_PEER_ADDRESS -> new XorPeerAddress(address(b, off, len, txId, "XOR-PEER-ADDRESS"));
            case AttributeType.XOR_RELAYED_ADDRESS ->
                    new XorRelayedAddress(address(b, off, len, txId, "XOR-RELAYED-ADDRESS"));
            case AttributeType.USERNAME -> new Username(text(b, off, len, MAX_USERNAME_BYTES, "USERNAME"));
            case AttributeType.REALM -> new Realm(text(b, off, len, MAX_TEXT_BYTES, "REALM"));
            case AttributeType.NONCE -> new Nonce(text(b, off, len, MAX_TEXT_BYTES, "NONCE"));
            case AttributeType.SOFTWARE -> new Software(text(b, off, len, MAX_TEXT_BYTES, "SOFTWARE"));
            case AttributeType.MESSAGE_INTEGRITY -> new MessageIntegrity(bytes(b, off, len, 20, "MESSAGE-INTEGRITY"));
            case AttributeType.MESSAGE_INTEGRITY_SHA256 -> {
                if (len < 16 || len > 32 || len % 4 != 0) {
                    throw new BadAttribute("bad MESSAGE-INTEGRITY-SHA256 length");
                }
                yield new MessageIntegritySha256(bytes(b, off, len, len, "MESSAGE-INTEGRITY-SHA256"));
            }
            case AttributeType.FINGERPRINT -> new Fingerprint(u32(b, off, len, "FINGERPRINT"));
            case AttributeType.ERROR_CODE -> errorCode(b, off, len);
            case AttributeType.UNKNOWN_ATTRIBUTES -> {
                if (len % 2 != 0) {
                    throw new BadAttribute("odd UNKNOWN-ATTRIBUTES length");
                }
                List<Integer> types = new ArrayList<>(len / 2);
                for (int i = 0; i < len; i += 2) {
                    types.add(u16(b, off + i));
                }
                yield new UnknownAttributes(types);
            }
            case AttributeType.LIFETIME -> new Lifetime(u32(b, off, len, "LIFETIME") & 0xFFFFFFFFL);
            case AttributeType.REQUESTED_TRANSPORT -> {
                fixed(len, 4, "REQUESTED-TRANSPORT");
                yield new RequestedTransport(b[off] & 0xFF);
            }
            case AttributeType.REQUESTED_ADDRESS_FAMILY ->
                    new RequestedAddressFamily(family(b, off, len, "REQUESTED-ADDRESS-FAMILY"));
            case AttributeType.ADDITIONAL_ADDRESS_FAMILY ->
                    new AdditionalAddressFamily(family(b, off, len, "ADDITIONAL-ADDRESS-FAMILY"));
            case AttributeType.DONT_FRAGMENT -> {
                fixed(len, 0, "DONT-FRAGMENT");
                yield new DontFragment();
            }
            case AttributeType.EVEN_PORT -> {
                fixed(len, 1, "EVEN-PORT");
                yield new EvenPort((b[off] & 0x80) != 0);
            }
            case AttributeType.RESERVATION_TOKEN -> new ReservationToken(bytes(b, off, len, 8, "RESERVATION-TOKEN"));
            case AttributeType.CHANNEL_NUMBER -> {
                fixed(len, 4, "CHANNEL-NUMBER");
                yield new ChannelNumber(u16(b, off));
            }
            case AttributeType.DATA -> new Data(bytes(b, off, len, len, "DATA"));
            case AttributeType.PASSWORD_ALGORITHM -> passwordAlgorithm(b, off, len);
            case AttributeType.PASSWORD_ALGORITHMS -> passwordAlgorithms(b, off, len);
            default -> new UnknownAttribute(type, Octets.of(bytes(b, off, len, len, "unknown attribute")));
        };
    }

    private static void fixed(int len, int expected, String name) throws BadAttribute {
        if (len != expected) {
            throw new BadAttribute("bad " + name + " length");
        }
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static int u32(byte[] b, int off, int len, String name) throws BadAttribute {
        fixed(len, 4, name);
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static byte[] bytes(byte[] b, int off, int len, int expected, String name) throws BadAttribute {
        fixed(len, expected, name);
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        return copy;
    }

    private static String text(byte[] b, int off, int len, int max, String name) throws BadAttribute {
        if (len > max) {
            throw new BadAttribute(name + " too long");
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    private static AddressFamily family(byte[] b, int off, int len, String name) throws BadAttribute {
        fixed(len, 4, name);
        AddressFamily family = AddressFamily.fromCode(b[off] & 0xFF);
        if (family == null) {
            throw new BadAttribute("unknown address family in " + name);
        }
        return family;
    }

    /** An address attribute; {@code txId} non-null means XOR'd with the magic cookie and transaction id. */
    private static InetSocketAddress address(byte[] b, int off, int len, byte[] txId, String name)
            throws BadAttribute {
        if (len < 4) {
            throw new BadAttribute("short " + name);
        }
        AddressFamily family = AddressFamily.fromCode(b[off + 1] & 0xFF);
        int addressLength = family == AddressFamily.IPV4 ? 4 : 16;
        if (family == null || len != 4 + addressLength) {
            throw new BadAttribute("bad " + name + " family or length");
        }
        int port = u16(b, off + 2);
        byte[] ip = new byte[addressLength];
        System.arraycopy(b, off + 4, ip, 0, addressLength);
        if (txId != null) {
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
            xor(ip, txId);
        }
        try {
            InetAddress inet = addressLength == 4 ? InetAddress.getByAddress(ip)
                    : Inet6Address.getByAddress(null, ip, -1);
            return new InetSocketAddress(inet, port);
        } catch (UnknownHostException e) {
            throw new BadAttribute("bad " + name + " address");
        }
    }

    /** XORs an address with the magic cookie followed by the transaction id (RFC 8489 §14.2). */
    static void xor(byte[] ip, byte[] txId) {
        for (int i = 0; i < ip.length; i++) {
            int mask = i < 4 ? (StunMessage.MAGIC_COOKIE >>> (24 - 8 * i)) & 0xFF : txId[i - 4] & 0xFF;
            ip[i] ^= (byte) mask;
        }
    }

    private static ErrorCode errorCode(byte[] b, int off, int len) throws BadAttribute {
        if (len < 4 || len > 4 + MAX_TEXT_BYTES) {
            throw new BadAttribute("bad ERROR-CODE length");
        }
        int hundreds = b[off + 2] & 0x07;
        int number = b[off + 3] & 0xFF;
        int code = hundreds * 100 + number;
        if (number > 99 || code < 300 || code > 699) {
            throw new BadAttribute("ERROR-CODE out of range");
        }
        return new ErrorCode(code, new String(b, off + 4, len - 4, StandardCharsets.UTF_8));
    }

    private static PasswordAlgorithm passwordAlgorithm(byte[] b, int off, int len) throws BadAttribute {
        if (len < 4) {
            throw new BadAttribute("short PASSWORD-ALGORITHM");
        }
        int paramLength = u16(b, off + 2);
        if (4 + paramLength != len) {
            throw new BadAttribute("bad PASSWORD-ALGORITHM parameter length");
        }
        byte[] params = new byte[paramLength];
        System.arraycopy(b, off + 4, params, 0, paramLength);
        return new PasswordAlgorithm(u16(b, off), Octets.of(params));
    }

    private static PasswordAlgorithms passwordAlgorithms(byte[] b, int off, int len) throws BadAttribute {
        List<Integer> algorithms = new ArrayList<>();
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < 4 || algorithms.size() >= 16) {
                throw new BadAttribute("bad PASSWORD-ALGORITHMS");
            }
            algorithms.add(u16(b, pos));
            pos += 4 + ((u16(b, pos + 2) + 3) & ~3);
        }
        if (pos != end) {
            throw new BadAttribute("bad PASSWORD-ALGORITHMS padding");
        }
        return new PasswordAlgorithms(algorithms);
    }

    /** The value bytes of an attribute, without header or padding. */
    static byte[] encode(StunAttribute attribute, byte[] txId) {
        if (attribute instanceof MappedAddress a) {
            return encodeAddress(a.address(), null);
        } else if (attribute instanceof XorMappedAddress a) {
            return encodeAddress(a.address(), txId);
        } else if (attribute instanceof XorPeerAddress a) {
            return encodeAddress(a.address(), txId);
        } else if (attribute instanceof XorRelayedAddress a) {
            return encodeAddress(a.address(), txId);
        } else if (attribute instanceof Username a) {
            return utf8(a.value());
        } else if (attribute instanceof Realm a) {
            return utf8(a.value());
        } else if (attribute instanceof Nonce a) {
            return utf8(a.value());
        } else if (attribute instanceof Software a) {
            return utf8(a.value());
        } else if (attribute instanceof MessageIntegrity a) {
            return a.value().toByteArray();
        } else if (attribute instanceof MessageIntegritySha256 a) {
            return a.value().toByteArray();
        } else if (attribute instanceof Fingerprint a) {
            return int32(a.crc());
        } else if (attribute instanceof ErrorCode a) {
            byte[] reason = utf8(a.reason());
            byte[] v = new byte[4 + reason.length];
            v[2] = (byte) (a.code() / 100);
            v[3] = (byte) (a.code() % 100);
            System.arraycopy(reason, 0, v, 4, reason.length);
            return v;
        } else if (attribute instanceof UnknownAttributes a) {
            return u16List(a.types(), 2);
        } else if (attribute instanceof Lifetime a) {
            return int32((int) a.seconds());
        } else if (attribute instanceof RequestedTransport a) {
            return new byte[] {(byte) a.protocol(), 0, 0, 0};
        } else if (attribute instanceof RequestedAddressFamily a) {
            return new byte[] {(byte) a.family().code(), 0, 0, 0};
        } else if (attribute instanceof AdditionalAddressFamily a) {
            return new byte[] {(byte) a.family().code(), 0, 0, 0};
        } else if (attribute instanceof DontFragment) {
            return new byte[0];
        } else if (attribute instanceof EvenPort a) {
            return new byte[] {(byte) (a.reserveNext() ? 0x80 : 0)};
        } else if (attribute instanceof ReservationToken a) {
            return a.value().toByteArray();
        } else if (attribute instanceof ChannelNumber a) {
            return new byte[] {(byte) (a.number() >>> 8), (byte) a.number(), 0, 0};
        } else if (attribute instanceof Data a) {
            return a.value().toByteArray();
        } else if (attribute instanceof PasswordAlgorithm a) {
            byte[] params = a.parameters().toByteArray();
            byte[] v = new byte[4 + params.length];
            v[0] = (byte) (a.algorithm() >>> 8);
            v[1] = (byte) a.algorithm();
            v[2] = (byte) (params.length >>> 8);
            v[3] = (byte) params.length;
            System.arraycopy(params, 0, v, 4, params.length);
            return v;
        } else if (attribute instanceof PasswordAlgorithms a) {
            return u16List(a.algorithms(), 4);
        } else {
            return ((UnknownAttribute) attribute).value().toByteArray();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Each value as a 16-bit big-endian number in a slot of {@code stride} bytes (rest zero). */
    private static byte[] u16List(List<Integer> values, int stride) {
        byte[] v = new byte[values.size() * stride];
        for (int i = 0; i < values.size(); i++) {
            v[stride * i] = (byte) (values.get(i) >>> 8);
            v[stride * i + 1] = (byte) (int) values.get(i);
        }
        return v;
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] encodeAddress(InetSocketAddress address, byte[] txId) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[4 + ip.length];
        v[1] = (byte) (ip.length == 4 ? AddressFamily.IPV4.code() : AddressFamily.IPV6.code());
        int port = address.getPort();
        if (txId != null) {
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
            xor(ip, txId);
        }
        v[2] = (byte) (port >>> 8);
        v[3] = (byte) port;
        System.arraycopy(ip, 0, v, 4, ip.length);
        return v;
    }
}
