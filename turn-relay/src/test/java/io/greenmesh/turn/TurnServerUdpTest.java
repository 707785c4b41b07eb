package io.greenmesh.turn;

import static io.greenmesh.turn.TestTurnClient.errorCode;
import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.XorMappedAddress;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay over real UDP sockets on 127.0.0.1: the happy path a browser takes, then data both ways. */
class TurnServerUdpTest {

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return new TurnFixture(overrides);
    }


    private TurnFixture turn;

    @BeforeEach
    void start() throws Exception {
        turn = fixture(Map.of());
    }

    @AfterEach
    void stop() {
        if (turn != null) {
            turn.close();
        }
    }

    @Test
    void anAllocateIsChallengedWith401ThenGrantedWithTheRelayedAddress() throws Exception {
        try (TestTurnClient client = turn.udpClient()) {
            StunMessage challenge = client.challenge();
            assertEquals(ErrorCode.UNAUTHENTICATED, errorCode(challenge));
            assertEquals("greenmesh", challenge.attribute(Realm.class).orElseThrow().value());
            assertTrue(challenge.attribute(Nonce.class).isPresent());

            StunMessage granted = client.allocate();
            assertEquals(MessageClass.SUCCESS_RESPONSE, granted.messageClass());
            InetSocketAddress relayed = TestTurnClient.relayed(granted);
            assertEquals("127.0.0.1", relayed.getAddress().getHostAddress());
            assertTrue(relayed.getPort() >= 41000 && relayed.getPort() <= 41999, "port from the configured range");
            assertEquals(600, granted.attribute(Lifetime.class).orElseThrow().seconds());
            assertTrue(granted.attribute(XorMappedAddress.class).isPresent());
            assertEquals(1, turn.server.activeAllocations());
            assertEquals(1, turn.counter("greenmesh.turn.allocations.granted"));
        }
    }

    @Test
    void aBindingRequestGetsTheReflexiveAddress() throws Exception {
        try (TestTurnClient client = turn.udpClient()) {
            StunMessage response = client.transact(StunMessage.request(Method.BINDING, List.of()), null);
            assertEquals(MessageClass.SUCCESS_RESPONSE, response.messageClass());
            assertEquals(127, response.attribute(XorMappedAddress.class).orElseThrow().address().getAddress()
                    .getAddress()[0]);
        }
    }

    @Test
    void dtlsThenSrtpFlowsBothWaysThroughAChannel() throws Exception {
        try (TestTurnClient client = turn.udpClient()) {
            InetSocketAddress relayed = TestTurnClient.relayed(client.allocate());
            assertEquals(MessageClass.SUCCESS_RESPONSE, client.createPermission(turn.peerAddress()).messageClass());
            assertEquals(MessageClass.SUCCESS_RESPONSE, client.channelBind(0x4000, turn.peerAddress()).messageClass());

            client.sendChannelData(0x4000, DTLS_HANDSHAKE);
            DatagramPacket atPeer = turn.peerReceive(2000);
            assertNotNull(atPeer, "the peer got the DTLS record");
            assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(atPeer));
            assertEquals(relayed.getPort(), atPeer.getPort(), "it came from the relayed address");

            turn.peerSend(SRTP, relayed);
            ChannelData back = assertInstanceOf(ChannelData.class, client.receiveData(2000));
            assertEquals(0x4000, back.channelNumber());
            assertArrayEquals(SRTP, back.data().toByteArray());

            client.sendChannelData(0x4000, SRTP);
            assertArrayEquals(SRTP, TurnFixture.payload(turn.peerReceive(2000)));

            assertEquals(2, turn.awaitCounter(2, "greenmesh.turn.relayed.packets", "direction", "client_to_peer",
                    "transport", "udp"));
            assertEquals(SRTP.length, turn.counter("greenmesh.turn.relayed.bytes", "direction", "peer_to_client",
                    "transport", "udp"));
            assertEquals(DTLS_HANDSHAKE.length + 2 * SRTP.length, turn.server.relayedBytes().getAsLong(),
                    "the carbon accounting total counts payload bytes both ways");
        }
    }

    @Test
    void sendIndicationsGoOutAndPeerPacketsComeBackAsDataIndications() throws Exception {
        try (TestTurnClient client = turn.udpClient()) {
            InetSocketAddress relayed = TestTurnClient.relayed(client.allocate());
            client.createPermission(turn.peerAddress());
            client.sendIndication(turn.peerAddress(), DTLS_HANDSHAKE);
            assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(turn.peerReceive(2000)));

            turn.peerSend(DTLS_HANDSHAKE, relayed);
            StunMessage data = assertInstanceOf(StunMessage.class, client.receiveData(2000));
            assertEquals(Method.DATA, data.method());
            assertEquals(turn.peerAddress(), data.attribute(XorPeerAddress.class).orElseThrow().address());
            assertArrayEquals(DTLS_HANDSHAKE, data.attribute(Data.class).orElseThrow().value().toByteArray());
        }
    }

    @Test
    void plaintextIsDroppedInBothDirectionsAndCounted() throws Exception {
        byte[] plaintext = "hello, this is not encrypted".getBytes(StandardCharsets.US_ASCII);
        try (TestTurnClient client = turn.udpClient()) {
            InetSocketAddress relayed = TestTurnClient.relayed(client.allocate());
            client.channelBind(0x4001, turn.peerAddress());
            client.sendChannelData(0x4001, plaintext);
            client.sendChannelData(0x4001, SRTP); // SRTP before any DTLS handshake
            assertNull(turn.peerReceive(300), "nothing reaches the peer");
            turn.peerSend(plaintext, relayed);
            assertNull(client.receiveData(300), "nothing reaches the client");
            assertEquals(2, turn.counter("greenmesh.turn.dropped.packets", "reason", "plaintext"));
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "before_dtls_handshake"));
            assertEquals(0, turn.server.relayedBytes().getAsLong());
        }
    }

    /**
     * A browser's DTLS association outlives the pair it was made on: ICE moves it to another of the user's
     * allocations (a UDP relay pair after a TCP one, an ICE restart) and SRTP follows with no new handshake. The mark
     * is the user's; another user still needs a handshake of its own, and the mark is forgotten a permission
     * lifetime after the user's last allocation ends.
     */
    @Test
    void srtpFollowsTheCallToAnotherAllocationOfTheSameUserButNotToAnotherUser() throws Exception {
        long expiry = turn.clock.millis() / 1000 + 3600;
        try (TestTurnClient first = turn.udpClient("ada", expiry); TestTurnClient second = turn.udpClient("ada", expiry);
             TestTurnClient stranger = turn.udpClient("eve")) {
            for (TestTurnClient client : List.of(first, second, stranger)) {
                client.allocate();
                client.channelBind(0x4000, turn.peerAddress());
            }
            first.sendChannelData(0x4000, DTLS_HANDSHAKE);
            assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(turn.peerReceive(2000)));

            second.sendChannelData(0x4000, SRTP);
            assertArrayEquals(SRTP, TurnFixture.payload(turn.peerReceive(2000)), "the user's other allocation");
            stranger.sendChannelData(0x4000, SRTP);
            assertNull(turn.peerReceive(300), "another user without a handshake");
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "before_dtls_handshake"));

            // An ICE restart: the old allocations end, a new one comes within a permission lifetime.
            first.refresh(0);
            second.refresh(0);
            turn.clock.advance(java.time.Duration.ofSeconds(60));
            turn.awaitActive(1);
            try (TestTurnClient restarted = turn.udpClient("ada", expiry)) {
                restarted.allocate();
                restarted.channelBind(0x4000, turn.peerAddress());
                restarted.sendChannelData(0x4000, SRTP);
                assertArrayEquals(SRTP, TurnFixture.payload(turn.peerReceive(2000)), "after an ICE restart");
                restarted.refresh(0);
            }
            Thread.sleep(100); // the reaper sees the user idle
            // Forgotten once the user has held nothing for a permission lifetime (300 s).
            turn.clock.advance(java.time.Duration.ofSeconds(301));
            Thread.sleep(200); // a few reaper rounds (every 20 ms)
            try (TestTurnClient later = turn.udpClient("ada", expiry)) {
                later.allocate();
                later.channelBind(0x4000, turn.peerAddress());
                later.sendChannelData(0x4000, SRTP);
                assertNull(turn.peerReceive(300), "a user idle past the permission lifetime needs a new handshake");
            }
            assertEquals(2, turn.counter("greenmesh.turn.dropped.packets", "reason", "before_dtls_handshake"));
        }
    }

    @Test
    void packetsFromPeersWithoutPermissionAreDropped() throws Exception {
        try (TestTurnClient client = turn.udpClient()) {
            InetSocketAddress relayed = TestTurnClient.relayed(client.allocate());
            turn.peerSend(DTLS_HANDSHAKE, relayed);
            assertNull(client.receiveData(300));
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "no_permission"));
        }
    }

    @Test
    void monitorModeRelaysPlaintextButCountsIt() throws Exception {
        turn.close();
        turn = fixture(Map.of("mode", "monitor"));
        byte[] plaintext = "GET /admin HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            client.channelBind(0x4000, turn.peerAddress());
            client.sendChannelData(0x4000, plaintext);
            assertArrayEquals(plaintext, TurnFixture.payload(turn.peerReceive(2000)));
            assertEquals(1, turn.counter("greenmesh.turn.policy.violations", "reason", "plaintext"));
            assertEquals(0, turn.counter("greenmesh.turn.dropped.packets", "reason", "plaintext"));
        }
    }

    @Test
    void hostileBytesAreCountedAndTheRelayKeepsAnswering() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        try (TestTurnClient client = turn.udpClient()) {
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[random.nextInt(1, 200)];
                for (int j = 0; j < junk.length; j++) {
                    junk[j] = (byte) random.nextInt(256);
                }
                if (i % 2 == 0) {
                    junk[0] &= 0x3F; // aim at the STUN decoder
                    if (junk.length >= 8) {
                        junk[4] = 0x21;
                        junk[5] = 0x12;
                        junk[6] = (byte) 0xA4;
                        junk[7] = 0x42;
                    }
                }
                client.sendRaw(junk);
            }
            StunMessage response = client.transact(StunMessage.request(Method.BINDING, List.of()), null);
            assertEquals(MessageClass.SUCCESS_RESPONSE, response.messageClass());
            assertTrue(turn.counter("greenmesh.turn.dropped.packets", "reason", "malformed_request") > 100);
            assertEquals(0, turn.counter("greenmesh.turn.dropped.packets", "reason", "internal_error"));
        }
    }
}
