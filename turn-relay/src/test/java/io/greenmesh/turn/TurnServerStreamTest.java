package io.greenmesh.turn;

import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TURN over TCP and TLS (RFC 8656 §5): stream framing with ChannelData padding; the allocation dies with the connection. */
class TurnServerStreamTest {

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return new TurnFixture(overrides);
    }


    /** The whole exchange a client makes, on any stream. */
    private static void relayRoundTrip(TurnFixture turn, TestTurnClient client, String transport) throws Exception {
        StunMessage granted = client.allocate();
        assertEquals(MessageClass.SUCCESS_RESPONSE, granted.messageClass());
        InetSocketAddress relayed = TestTurnClient.relayed(granted);
        assertEquals(MessageClass.SUCCESS_RESPONSE, client.channelBind(0x4123, turn.peerAddress()).messageClass());

        client.sendChannelData(0x4123, DTLS_HANDSHAKE); // 18 bytes: padded to 20 on the stream
        assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(turn.peerReceive(2000)), "padding stripped");
        turn.peerSend(SRTP, relayed);
        ChannelData back = assertInstanceOf(ChannelData.class, client.receiveData(2000));
        assertArrayEquals(SRTP, back.data().toByteArray());

        try (var other = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress otherPeer = (InetSocketAddress) other.getLocalSocketAddress();
            client.createPermission(otherPeer);
            client.sendIndication(otherPeer, DTLS_HANDSHAKE);
            other.setSoTimeout(2000);
            var packet = new java.net.DatagramPacket(new byte[100], 100);
            other.receive(packet);
            assertEquals(DTLS_HANDSHAKE.length, packet.getLength());
            other.send(new java.net.DatagramPacket(DTLS_HANDSHAKE, DTLS_HANDSHAKE.length, relayed));
            StunMessage data = assertInstanceOf(StunMessage.class, client.receiveData(2000));
            assertEquals(Method.DATA, data.method());
            assertArrayEquals(DTLS_HANDSHAKE, data.attribute(Data.class).orElseThrow().value().toByteArray());
        }
        assertEquals(2, turn.awaitCounter(2, "greenmesh.turn.relayed.packets", "direction", "client_to_peer",
                "transport", transport));
        assertEquals(2, turn.awaitCounter(2, "greenmesh.turn.relayed.packets", "direction", "peer_to_client",
                "transport", transport));
    }

    @Test
    void tcpClientsAllocateAndRelayAndTheAllocationEndsWithTheConnection() throws Exception {
        try (TurnFixture turn = fixture(Map.of())) {
            assertEquals(turn.server.udpPort(), turn.server.tcpPort(), "TCP shares the TURN port");
            TestTurnClient client = turn.tcpClient();
            relayRoundTrip(turn, client, "tcp");
            assertEquals(1, turn.server.activeAllocations());
            client.close();
            turn.awaitActive(0);
            assertEquals(0, turn.server.activeAllocations());
        }
    }

    @Test
    void aStreamThatLosesFramingIsClosed() throws Exception {
        try (TurnFixture turn = fixture(Map.of()); Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                turn.server.tcpPort())) {
            socket.getOutputStream().write(new byte[] {(byte) 0xC0, 0, 0, 0});
            socket.setSoTimeout(2000);
            assertEquals(-1, socket.getInputStream().read(), "the relay hung up");
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "bad_stream_frame"));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndCounted() throws Exception {
        try (TurnFixture turn = fixture(Map.of("max-stream-connections", 1));
             TestTurnClient first = turn.tcpClient();
             Socket second = new Socket(InetAddress.getLoopbackAddress(), turn.server.tcpPort())) {
            assertEquals(MessageClass.SUCCESS_RESPONSE, first.allocate().messageClass());
            second.setSoTimeout(2000);
            assertEquals(-1, second.getInputStream().read(), "the second connection is closed");
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "connection_limit"));
        }
    }

    @Test
    void tlsClientsRelayWithACertificateFromPemFiles(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        boolean made = selfSigned(cert, key);
        if (System.getenv("CI") != null && !made) {
            fail("openssl is needed for the TLS test in CI");
        }
        assumeTrue(made, "openssl not available");
        try (TurnFixture turn = fixture(Map.of("tls-port", 0, "tls-cert", cert.toString(),
                "tls-key", key.toString()))) {
            assertTrue(turn.server.tlsPort() > 0);
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) { }

                public void checkServerTrusted(X509Certificate[] chain, String authType) { }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            SSLSocket socket = (SSLSocket) trustAll.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    turn.server.tlsPort());
            socket.startHandshake();
            try (TestTurnClient client = TestTurnClient.over(socket)
                    .credentials(TurnFixture.SECRET, turn.clock.millis() / 1000 + 3600, "tls")) {
                relayRoundTrip(turn, client, "tls");
            }
        }
    }

    private static boolean selfSigned(Path cert, Path key) throws Exception {
        try {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                    "-days", "1", "-subj", "/CN=localhost").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && Files.size(cert) > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
