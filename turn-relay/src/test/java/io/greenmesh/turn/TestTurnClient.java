package io.greenmesh.turn;

import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.attribute.XorRelayedAddress;
import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunDecoder;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.codec.TurnFraming;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import io.greenmesh.turn.server.TurnCredentials;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small TURN client for the tests, over UDP (with retransmission, as RFC 8489 §6.2.1 clients do) or TCP.
 * It speaks only to this host. Over UDP it ignores datagrams from any address but the one it sends to, as libwebrtc
 * and Firefox do (counted in {@link #foreignDatagrams()}). Every wait is bounded.
 */
public final class TestTurnClient implements AutoCloseable {

    private static final int RETRANSMIT_MILLIS = 100;
    private static final int MAX_TRANSMISSIONS = 10;

    private final DatagramSocket udp;
    private final Socket tcp;
    private final InetSocketAddress server;
    private final List<Object> unsolicited = new ArrayList<>();
    private String username;
    private String realm;
    private String nonce;
    private byte[] key;
    private int transmissions;
    private int foreignDatagrams;
    private int retransmitMillis = RETRANSMIT_MILLIS;

    private TestTurnClient(DatagramSocket udp, Socket tcp, InetSocketAddress server) {
        this.udp = udp;
        this.tcp = tcp;
        this.server = server;
    }

    public static TestTurnClient udp(int port) throws IOException {
        return udp(InetAddress.getLoopbackAddress(), port);
    }

    /** A UDP client on {@code loopback} (127.0.0.1 or ::1) talking to the relay there. */
    public static TestTurnClient udp(InetAddress loopback, int port) throws IOException {
        return udp(loopback, new InetSocketAddress(loopback, port));
    }

    /** A UDP client on {@code local} (a free port) talking to the relay at {@code server}. */
    public static TestTurnClient udp(InetAddress local, InetSocketAddress server) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 0));
        socket.setSoTimeout(RETRANSMIT_MILLIS);
        return new TestTurnClient(socket, null, server);
    }

    /** Waits {@code millis} for an answer before retransmitting (default 100 ms, Firefox's first RTO). */
    public TestTurnClient retransmitAfter(int millis) {
        this.retransmitMillis = millis;
        return this;
    }

    /** Requests sent, retransmissions included. */
    public int transmissions() {
        return transmissions;
    }

    /** Datagrams that came from another address than the relay's (ignored, as a browser ignores them). */
    public int foreignDatagrams() {
        return foreignDatagrams;
    }

    public static TestTurnClient tcp(int port) throws IOException {
        return over(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Over an already connected stream socket (TCP or TLS). */
    public static TestTurnClient over(Socket socket) throws IOException {
        socket.setSoTimeout(2000);
        return new TestTurnClient(null, socket, (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    /** REST API credentials: the username expires at {@code expiryEpochSeconds}. */
    public TestTurnClient credentials(String secret, long expiryEpochSeconds, String id) {
        this.username = TurnCredentials.username(expiryEpochSeconds, id);
        this.key = null;
        this.secret = secret;
        return this;
    }

    private String secret;

    public String username() {
        return username;
    }

    /** The UDP socket holding this client's 5-tuple (for the throughput probe); null over TCP. */
    DatagramSocket udpSocket() {
        return udp;
    }

    /** The nonce last learned from the relay. */
    public String nonce() {
        return nonce;
    }

    /** Sends raw bytes (to test hostile input). */
    public void sendRaw(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    /** Sends a request and waits for the response with its transaction id; null when none came in time. */
    public StunMessage transact(StunMessage request, byte[] signingKey) throws IOException {
        byte[] bytes = StunEncoder.encode(request, signingKey, true);
        long deadline = System.nanoTime() + Math.max(3_000_000_000L, 3L * retransmitMillis * 1_000_000L);
        for (int attempt = 0; attempt < MAX_TRANSMISSIONS && System.nanoTime() < deadline; attempt++) {
            if (udp != null || attempt == 0) {
                sendRaw(bytes);
                transmissions++;
            }
            long until = System.nanoTime() + retransmitMillis * 1_000_000L * (udp != null ? 1 : 20);
            while (System.nanoTime() < until) {
                Object in = receiveOne();
                if (in instanceof StunMessage m && Arrays.equals(m.transactionId(), request.transactionId())
                        && m.messageClass() != MessageClass.INDICATION) {
                    return m;
                }
                if (in != null && !isLateResponse(in)) {
                    unsolicited.add(in);
                }
            }
        }
        return null;
    }

    /** A request signed with the current long-term credentials (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY). */
    public StunMessage authenticated(Method method, StunAttribute... attributes) throws IOException {
        List<StunAttribute> all = new ArrayList<>(List.of(attributes));
        all.add(new Username(username));
        all.add(new Realm(realm));
        all.add(new Nonce(nonce));
        StunMessage response = transact(StunMessage.request(method, all), key());
        // RFC 8489 §9.2.5: a 438 carries a fresh nonce; retry once with it.
        if (response != null && errorCode(response) == ErrorCode.STALE_NONCE) {
            learn(response);
            all.set(all.size() - 1, new Nonce(nonce));
            response = transact(StunMessage.request(method, all), key());
        }
        return response;
    }

    private byte[] key() {
        if (key == null) {
            key = TurnCredentials.longTermKey(username, realm, TurnCredentials.password(secret, username));
        }
        return key;
    }

    /** Learns realm and nonce from a 401/438 challenge. */
    public void learn(StunMessage challenge) {
        challenge.attribute(Realm.class).ifPresent(r -> {
            realm = r.value();
            key = null;
        });
        challenge.attribute(Nonce.class).ifPresent(n -> nonce = n.value());
    }

    /** The unauthenticated first Allocate: returns the 401 challenge (and learns from it). */
    public StunMessage challenge() throws IOException {
        StunMessage response = transact(StunMessage.request(Method.ALLOCATE,
                List.of(new RequestedTransport(RequestedTransport.UDP))), null);
        if (response != null) {
            learn(response);
        }
        return response;
    }

    /** Challenge then authenticated Allocate; returns the final response. */
    public StunMessage allocate(StunAttribute... extra) throws IOException {
        challenge();
        List<StunAttribute> attributes = new ArrayList<>(List.of(new RequestedTransport(RequestedTransport.UDP)));
        attributes.addAll(List.of(extra));
        return authenticated(Method.ALLOCATE, attributes.toArray(new StunAttribute[0]));
    }

    public StunMessage createPermission(InetSocketAddress peer) throws IOException {
        return authenticated(Method.CREATE_PERMISSION, new XorPeerAddress(peer));
    }

    public StunMessage channelBind(int channel, InetSocketAddress peer) throws IOException {
        return authenticated(Method.CHANNEL_BIND, new ChannelNumber(channel), new XorPeerAddress(peer));
    }

    public StunMessage refresh(long lifetimeSeconds) throws IOException {
        return authenticated(Method.REFRESH, new Lifetime(lifetimeSeconds));
    }

    public void sendChannelData(int channel, byte[] payload) throws IOException {
        sendRaw(TurnFraming.encodeChannelData(new ChannelData(channel, payload), tcp != null));
    }

    public void sendIndication(InetSocketAddress peer, byte[] payload) throws IOException {
        sendRaw(StunEncoder.encode(new StunMessage(MessageClass.INDICATION, Method.SEND,
                StunMessage.newTransactionId(), List.of(new XorPeerAddress(peer), new Data(payload)))));
    }

    /**
     * The next ChannelData or Data indication within {@code millis}; null when none. A response that arrives after
     * its transaction was answered (the answer to a retransmission on a slow machine) is skipped, as a client does.
     */
    public Object receiveData(long millis) throws IOException {
        if (!unsolicited.isEmpty()) {
            return unsolicited.remove(0);
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Object in = receiveOne();
            if (in != null && !isLateResponse(in)) {
                return in;
            }
        }
        return null;
    }

    private static boolean isLateResponse(Object in) {
        return in instanceof StunMessage m && (m.messageClass() == MessageClass.SUCCESS_RESPONSE
                || m.messageClass() == MessageClass.ERROR_RESPONSE);
    }

    /** One incoming message (StunMessage or ChannelData), or null after a short timeout. */
    private Object receiveOne() throws IOException {
        byte[] frame;
        if (udp != null) {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            try {
                udp.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (!server.equals(packet.getSocketAddress())) {
                foreignDatagrams++;
                return null;
            }
            frame = Arrays.copyOf(packet.getData(), packet.getLength());
        } else {
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            byte[] header = new byte[4];
            try {
                tcp.setSoTimeout(RETRANSMIT_MILLIS);
                in.readFully(header);
            } catch (SocketTimeoutException e) {
                return null;
            }
            tcp.setSoTimeout(2000);
            int length = TurnFraming.streamFrameLength(header[0], header[1], header[2], header[3]);
            frame = Arrays.copyOf(header, length);
            in.readFully(frame, 4, length - 4);
        }
        if (frame.length == 0) {
            throw new IllegalStateException("the relay sent an empty datagram");
        }
        if (TurnFraming.isChannelData(frame[0] & 0xFF)) {
            int length = TurnFraming.channelDataLength(frame, 0, frame.length);
            return new ChannelData(TurnFraming.channelNumber(frame, 0), Arrays.copyOfRange(frame, 4, 4 + length));
        }
        DecodeResult result = StunDecoder.decode(frame);
        return result instanceof DecodeResult.Decoded d ? d.message() : null;
    }

    public static int errorCode(StunMessage response) {
        return response.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
    }

    public static InetSocketAddress relayed(StunMessage allocateResponse) {
        return allocateResponse.attribute(XorRelayedAddress.class).orElseThrow().address();
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}
