package io.greenmesh.turn;

import static io.greenmesh.turn.TestTurnClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.UnknownAttributes;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import io.greenmesh.turn.server.TurnCredentials;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every refusal a client can provoke is answered with its RFC error code, and counted. */
class TurnServerErrorsTest {

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return new TurnFixture(overrides);
    }


    private TurnFixture turn;

    private TurnFixture start(Map<String, Object> overrides) throws Exception {
        turn = fixture(overrides);
        return turn;
    }

    @AfterEach
    void stop() {
        if (turn != null) {
            turn.close();
        }
    }

    @Test
    void aWrongPasswordIs401() throws Exception {
        start(Map.of());
        try (TestTurnClient client = TestTurnClient.udp(turn.server.udpPort())
                .credentials("not-the-secret", turn.clock.millis() / 1000 + 3600, "mallory")) {
            assertEquals(ErrorCode.UNAUTHENTICATED, errorCode(client.allocate()));
            assertEquals(1, turn.counter("greenmesh.turn.auth.failures", "reason", "bad_integrity"));
            assertEquals(0, turn.server.activeAllocations());
        }
    }

    @Test
    void anExpiredRestUsernameIs401() throws Exception {
        start(Map.of());
        try (TestTurnClient client = TestTurnClient.udp(turn.server.udpPort())
                .credentials(TurnFixture.SECRET, turn.clock.millis() / 1000 - 1, "late")) {
            assertEquals(ErrorCode.UNAUTHENTICATED, errorCode(client.allocate()));
            assertEquals(1, turn.counter("greenmesh.turn.auth.failures", "reason", "expired_username"));
        }
    }

    @Test
    void anotherUsernameOnAnExistingAllocationIs441() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            client.credentials(TurnFixture.SECRET, turn.clock.millis() / 1000 + 3600, "someone-else");
            assertEquals(ErrorCode.WRONG_CREDENTIALS, errorCode(client.refresh(600)));
            assertEquals(1, turn.counter("greenmesh.turn.auth.failures", "reason", "wrong_credentials"));
        }
    }

    @Test
    void closingTheServerReleasesEveryRelayPort() throws Exception {
        start(Map.of("relay-port-min", 41500, "relay-port-max", 41500));
        try (TestTurnClient client = turn.udpClient()) {
            int port = TestTurnClient.relayed(client.allocate()).getPort();
            turn.close();
            turn = null;
            try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                assertEquals(port, again.getLocalPort());
            }
        }
    }

    @Test
    void aRotatedSecretStillVerifiesWhileTheNewOneSigns() throws Exception {
        start(Map.of("secret", "new-secret, " + TurnFixture.SECRET));
        try (TestTurnClient client = turn.udpClient()) {
            assertEquals(MessageClass.SUCCESS_RESPONSE, client.allocate().messageClass());
        }
    }

    @Test
    void anExpiredNonceIs438WithAFreshNonce() throws Exception {
        start(Map.of("nonce-lifetime", "60s"));
        try (TestTurnClient client = turn.udpClient()) {
            client.challenge();
            turn.clock.advance(Duration.ofSeconds(61));
            StunMessage request = StunMessage.request(Method.ALLOCATE, List.of(new RequestedTransport(17),
                    new Username(client.username()), new Realm("greenmesh"), new Nonce(client.nonce())));
            StunMessage response = client.transact(request, key(client));
            assertEquals(ErrorCode.STALE_NONCE, errorCode(response));
            assertTrue(response.attribute(Nonce.class).isPresent(), "438 carries the nonce to retry with");
            assertEquals(1, turn.counter("greenmesh.turn.auth.failures", "reason", "stale_nonce"));
            // The client library retries with the new nonce and succeeds.
            assertEquals(MessageClass.SUCCESS_RESPONSE, client.allocate().messageClass());
        }
    }

    private static byte[] key(TestTurnClient client) {
        return TurnCredentials.longTermKey(client.username(), "greenmesh",
                TurnCredentials.password(TurnFixture.SECRET, client.username()));
    }

    @Test
    void forbiddenPeersAre403InEveryAddressForm() throws Exception {
        start(Map.of("allow-loopback-peers", false));
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            byte[] mappedLoopback = new byte[16];
            mappedLoopback[10] = (byte) 0xFF;
            mappedLoopback[11] = (byte) 0xFF;
            mappedLoopback[12] = 127;
            mappedLoopback[15] = 1;
            for (InetAddress peer : List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("0.0.0.0"),
                    InetAddress.getByName("10.1.2.3"), InetAddress.getByName("169.254.169.254"),
                    Inet6Address.getByAddress(null, mappedLoopback, -1))) {
                StunMessage response = client.createPermission(new InetSocketAddress(peer, 9));
                assertEquals(ErrorCode.FORBIDDEN, errorCode(response), "peer " + peer);
                assertEquals(ErrorCode.FORBIDDEN, errorCode(client.channelBind(0x4000, new InetSocketAddress(peer, 9))));
            }
            assertEquals(4, turn.counter("greenmesh.turn.peers.refused", "reason", "loopback"),
                    "127.0.0.1 and ::ffff:127.0.0.1, each twice");
            assertEquals(2, turn.counter("greenmesh.turn.peers.refused", "reason", "unspecified"));
        }
    }

    @Test
    void theRelaysOwnListenerIsNotAPeer() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            InetSocketAddress self = new InetSocketAddress("127.0.0.1", turn.server.udpPort());
            assertEquals(ErrorCode.FORBIDDEN, errorCode(client.channelBind(0x4000, self)));
            assertEquals(1, turn.counter("greenmesh.turn.peers.refused", "reason", "relay_self"));
        }
    }

    @Test
    void theUserQuotaIs486() throws Exception {
        start(Map.of("max-allocations-per-user", 1));
        try (TestTurnClient first = turn.udpClient(); TestTurnClient second = turn.udpClient()) {
            assertEquals(MessageClass.SUCCESS_RESPONSE, first.allocate().messageClass());
            assertEquals(ErrorCode.ALLOCATION_QUOTA_REACHED, errorCode(second.allocate()));
            assertEquals(1, turn.counter("greenmesh.turn.allocations.refused", "reason", "user_quota"));
            first.refresh(0);
            assertEquals(MessageClass.SUCCESS_RESPONSE, second.allocate().messageClass(), "the slot came back");
        }
    }

    @Test
    void theTotalQuotaIs486() throws Exception {
        start(Map.of("max-allocations", 1));
        try (TestTurnClient first = turn.udpClient();
             TestTurnClient second = TestTurnClient.udp(turn.server.udpPort())
                     .credentials(TurnFixture.SECRET, turn.clock.millis() / 1000 + 60, "bob")) {
            first.allocate();
            assertEquals(ErrorCode.ALLOCATION_QUOTA_REACHED, errorCode(second.allocate()));
            assertEquals(1, turn.counter("greenmesh.turn.allocations.refused", "reason", "total_quota"));
        }
    }

    @Test
    void aSecondAllocateOnTheSameFiveTupleIs437AndSoIsRefreshWithoutOne() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            client.challenge();
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(client.refresh(600)));
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(client.createPermission(turn.peerAddress())));
            client.allocate();
            assertEquals(ErrorCode.ALLOCATION_MISMATCH, errorCode(client.authenticated(Method.ALLOCATE,
                    new RequestedTransport(17))));
        }
    }

    @Test
    void malformedRequestsAre400AndUnsupportedTransportIs442() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            client.challenge();
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(client.authenticated(Method.ALLOCATE)),
                    "no REQUESTED-TRANSPORT");
            assertEquals(ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL,
                    errorCode(client.authenticated(Method.ALLOCATE, new RequestedTransport(6))));
            client.allocate();
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(client.authenticated(Method.CHANNEL_BIND,
                    new ChannelNumber(0x3FFF), new XorPeerAddress(turn.peerAddress()))), "channel out of range");
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(client.authenticated(Method.CREATE_PERMISSION)),
                    "no XOR-PEER-ADDRESS");
            client.channelBind(0x4000, turn.peerAddress());
            assertEquals(ErrorCode.BAD_REQUEST, errorCode(client.channelBind(0x4001, turn.peerAddress())),
                    "a peer already bound to another channel");
        }
    }

    @Test
    void unknownComprehensionRequiredAttributesAre420() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            StunMessage response = client.authenticated(Method.REFRESH,
                    new io.greenmesh.turn.attribute.UnknownAttribute(0x0030, io.greenmesh.turn.attribute.Octets.empty()));
            assertEquals(ErrorCode.UNKNOWN_ATTRIBUTE, errorCode(response));
            assertEquals(List.of(0x0030), response.attribute(UnknownAttributes.class).orElseThrow().types());
        }
    }

    @Test
    void lifetimesExpireAndTheReaperCountsThem() throws Exception {
        start(Map.of("idle-timeout", "0s"));
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            client.channelBind(0x4000, turn.peerAddress());
            turn.clock.advance(Duration.ofSeconds(301)); // the 300 s permission is gone, the 600 s allocation is not
            client.sendChannelData(0x4000, TurnFixture.DTLS_HANDSHAKE);
            assertNull(turn.peerReceive(300));
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "no_permission"));

            assertEquals(600, client.refresh(600).attribute(Lifetime.class).orElseThrow().seconds());
            turn.clock.advance(Duration.ofSeconds(599));
            Thread.sleep(100);
            assertEquals(1, turn.server.activeAllocations(), "refreshed: still alive");
            turn.clock.advance(Duration.ofSeconds(2));
            turn.awaitActive(0);
            assertEquals(0, turn.server.activeAllocations());
            assertEquals(1, turn.counter("greenmesh.turn.allocations.expired"));
        }
    }

    @Test
    void requestedLifetimesAreClampedToTheMaximumAndZeroDeletes() throws Exception {
        start(Map.of());
        try (TestTurnClient client = turn.udpClient()) {
            StunMessage granted = client.allocate(new Lifetime(100_000));
            assertEquals(3600, granted.attribute(Lifetime.class).orElseThrow().seconds());
            assertEquals(0, client.refresh(0).attribute(Lifetime.class).orElseThrow().seconds());
            assertEquals(0, turn.server.activeAllocations());
            assertEquals(0, turn.counter("greenmesh.turn.allocations.expired"), "deleted, not expired");
        }
    }

    @Test
    void idleAllocationsAreReaped() throws Exception {
        start(Map.of("idle-timeout", "30s"));
        try (TestTurnClient client = turn.udpClient()) {
            client.allocate();
            turn.clock.advance(Duration.ofSeconds(31));
            turn.awaitActive(0);
            assertEquals(1, turn.counter("greenmesh.turn.allocations.expired"));
        }
    }

    @Test
    void aPortAlreadyTakenIsNamedInTheError() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            TurnServerException e = assertThrows(TurnServerException.class,
                    () -> fixture(Map.of("port", port)));
            assertTrue(e.getMessage().contains(":" + port), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }
}
