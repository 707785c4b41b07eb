package io.greenmesh.turn;

import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.XorMappedAddress;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on the wildcard host ({@code 0.0.0.0}, the default, and what {@code ./run.sh} and the chart use) of a
 * host with two addresses, loopback and a second one: every answer, to the client and to the peer, leaves from the
 * address the request or packet was sent to. The test client, like a browser, ignores datagrams from any other
 * address, so a relay that answers from the kernel's pick of source address fails here by timing out.
 */
class TurnServerWildcardBindTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private SecondLocalAddress second;
    private TurnFixture turn;
    private DatagramSocket peer;

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return new TurnFixture(overrides);
    }

    @BeforeEach
    void addSecondAddress() {
        second = SecondLocalAddress.create();
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
        if (turn != null) {
            turn.close();
        }
        if (second != null) {
            second.close();
        }
    }

    /** The relay on 0.0.0.0 advertising {@code relayAddress}, and a peer socket on {@code peerAddress}. */
    private void startWildcard(String host, InetAddress relayAddress, InetAddress peerAddress) throws IOException {
        Map<String, Object> settings = new HashMap<>(Map.of("host", host,
                "relay-address", relayAddress.getHostAddress()));
        turn = fixture(settings);
        peer = new DatagramSocket(new InetSocketAddress(peerAddress, 0));
        peer.setSoTimeout(2000);
    }

    private TestTurnClient client(InetAddress from, InetAddress to) throws IOException {
        return TestTurnClient.udp(from, new InetSocketAddress(to, turn.server.udpPort()))
                .credentials(TurnFixture.SECRET, turn.clock.millis() / 1000 + 3600, "alice");
    }

    @Test
    void aClientReachingTheSecondAddressGetsBindingAllocateAndDataFromThatAddress() throws Exception {
        startWildcard("0.0.0.0", second.address(), LOOPBACK);
        assertTrue(turn.server.udpAddresses().containsAll(List.of(LOOPBACK, second.address())),
                () -> "listening on every local address: " + turn.server.udpAddresses());
        try (TestTurnClient client = client(LOOPBACK, second.address())) {
            callBothWays(client, second.address());
        }
    }

    @Test
    void onTheShapeRunShUsesABrowserOnTheSecondAddressReachingLoopbackIsAnsweredFromLoopback() throws Exception {
        // ./run.sh: host 0.0.0.0, relay-address = greenmesh.ice.public-host = 127.0.0.1; the browser sends from the
        // host's interface address (here the second one) to 127.0.0.1, and so does its remote peer's relay.
        startWildcard("0.0.0.0", LOOPBACK, second.address());
        try (TestTurnClient client = client(second.address(), LOOPBACK)) {
            callBothWays(client, LOOPBACK);
        }
    }

    @Test
    void onTheIpv6WildcardBothFamiliesAreAnsweredFromTheAddressTheyReached() throws Exception {
        startWildcard("::", second.address(), LOOPBACK);
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assertTrue(turn.server.udpAddresses().containsAll(List.of(ipv6Loopback, LOOPBACK, second.address())),
                () -> "listening on every IPv4 and IPv6 address: " + turn.server.udpAddresses());
        try (TestTurnClient overIpv6 = client(ipv6Loopback, ipv6Loopback)) {
            assertBindingAnswered(overIpv6, ipv6Loopback);
        }
        try (TestTurnClient client = client(LOOPBACK, second.address())) {
            callBothWays(client, second.address());
        }
    }

    @Test
    void anAddressThatAppearsAfterTheStartIsServedAfterARescanAndDroppedWhenItGoes() throws Exception {
        second.close();
        startWildcard("0.0.0.0", LOOPBACK, LOOPBACK);
        second = SecondLocalAddress.create();
        assertFalse(turn.server.udpAddresses().contains(second.address()));
        turn.server.rescanAddresses(); // the relay does this every few seconds by itself
        assertTrue(turn.server.udpAddresses().contains(second.address()));
        try (TestTurnClient client = client(LOOPBACK, second.address())) {
            assertBindingAnswered(client, second.address());
        }
        second.close();
        // The kernel removes a deleted namespace's veth pair a moment later, not at once.
        long deadline = System.nanoTime() + 5_000_000_000L;
        do {
            Thread.sleep(50);
            turn.server.rescanAddresses();
        } while (turn.server.udpAddresses().contains(second.address()) && System.nanoTime() < deadline);
        assertFalse(turn.server.udpAddresses().contains(second.address()), "its sockets are closed");
        assertTrue(turn.server.udpAddresses().contains(LOOPBACK));
    }

    private void assertBindingAnswered(TestTurnClient client, InetAddress reached) throws IOException {
        StunMessage binding = client.transact(StunMessage.request(Method.BINDING, List.of()), null);
        assertNotNull(binding, () -> "a Binding sent to " + reached.getHostAddress() + " is answered from it ("
                + client.foreignDatagrams() + " answers came from another address)");
        assertEquals(MessageClass.SUCCESS_RESPONSE, binding.messageClass());
    }

    /**
     * Binding, the 401 and the Allocate are answered from the address the client sent to; the peer gets the
     * client's data from the relayed address and its answer reaches the client from the address it sent to.
     */
    private void callBothWays(TestTurnClient client, InetAddress reached) throws IOException {
        StunMessage binding = client.transact(StunMessage.request(Method.BINDING, List.of()), null);
        assertNotNull(binding, () -> "Binding answered from " + reached.getHostAddress() + " ("
                + client.foreignDatagrams() + " answers came from another address)");
        InetSocketAddress clientAddress = binding.attribute(XorMappedAddress.class).orElseThrow().address();
        assertTrue(clientAddress.getAddress().isLoopbackAddress() || !clientAddress.getAddress().equals(reached),
                "XOR-MAPPED-ADDRESS is the client's own address");
        StunMessage challenge = client.transact(StunMessage.request(Method.ALLOCATE,
                List.of(new RequestedTransport(RequestedTransport.UDP))), null);
        assertNotNull(challenge, "the 401 comes from the address the Allocate was sent to");
        StunMessage allocated = client.allocate();
        assertNotNull(allocated, "the Allocate is answered from the address it was sent to");
        assertEquals(MessageClass.SUCCESS_RESPONSE, allocated.messageClass());
        InetSocketAddress relayed = TestTurnClient.relayed(allocated);
        assertEquals(reached.equals(LOOPBACK) ? LOOPBACK : second.address(), relayed.getAddress(),
                "XOR-RELAYED-ADDRESS is the advertised relay-address");

        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        assertEquals(MessageClass.SUCCESS_RESPONSE, client.createPermission(peerAddress).messageClass());
        assertEquals(MessageClass.SUCCESS_RESPONSE, client.channelBind(0x4000, peerAddress).messageClass());
        client.sendChannelData(0x4000, DTLS_HANDSHAKE);
        DatagramPacket atPeer = new DatagramPacket(new byte[2048], 2048);
        peer.receive(atPeer);
        assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(atPeer));
        assertEquals(relayed, atPeer.getSocketAddress(), "the peer gets the data from the relayed address");

        peer.send(new DatagramPacket(SRTP, SRTP.length, relayed));
        ChannelData back = assertInstanceOf(ChannelData.class, client.receiveData(2000),
                "the peer's packet reaches the client from the address the client sent to");
        assertArrayEquals(SRTP, back.data().toByteArray());
        assertEquals(0, client.foreignDatagrams(), "nothing came from another address");
    }
}
