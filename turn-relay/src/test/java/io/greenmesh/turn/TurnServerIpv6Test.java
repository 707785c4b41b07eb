package io.greenmesh.turn;

import static io.greenmesh.turn.TestTurnClient.errorCode;
import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.greenmesh.turn.attribute.AddressFamily;
import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.RequestedAddressFamily;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.message.ChannelData;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A relay listening on ::1 hands out IPv6 relayed addresses and relays IPv6 peers only (443 for IPv4 ones). */
class TurnServerIpv6Test {

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture fixture(Map<String, Object> overrides) throws IOException {
        return new TurnFixture(overrides);
    }


    @Test
    void anIpv6RelayAllocatesAndRelaysOverIpv6() throws Exception {
        try (TurnFixture turn = fixture(Map.of("host", "::1")); TestTurnClient client = turn.udpClient()) {
            StunMessage granted = client.allocate(new RequestedAddressFamily(AddressFamily.IPV6));
            assertEquals(MessageClass.SUCCESS_RESPONSE, granted.messageClass(), granted.toString());
            InetSocketAddress relayed = TestTurnClient.relayed(granted);
            assertInstanceOf(Inet6Address.class, relayed.getAddress());

            assertEquals(ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH,
                    errorCode(client.createPermission(new InetSocketAddress("127.0.0.1", 9))));
            assertEquals(MessageClass.SUCCESS_RESPONSE, client.channelBind(0x4000, turn.peerAddress()).messageClass());
            client.sendChannelData(0x4000, DTLS_HANDSHAKE);
            assertArrayEquals(DTLS_HANDSHAKE, TurnFixture.payload(turn.peerReceive(2000)));
            turn.peerSend(SRTP, relayed);
            assertArrayEquals(SRTP, assertInstanceOf(ChannelData.class, client.receiveData(2000)).data().toByteArray());

            try (var other = new java.net.DatagramSocket(new InetSocketAddress("::1", 0))) {
                InetSocketAddress otherPeer = (InetSocketAddress) other.getLocalSocketAddress();
                client.createPermission(otherPeer);
                other.send(new java.net.DatagramPacket(DTLS_HANDSHAKE, DTLS_HANDSHAKE.length, relayed));
                StunMessage data = assertInstanceOf(StunMessage.class, client.receiveData(2000));
                assertEquals(Method.DATA, data.method());
                assertEquals(otherPeer.getPort(), data.attribute(XorPeerAddress.class).orElseThrow().address().getPort());
                assertArrayEquals(DTLS_HANDSHAKE, data.attribute(Data.class).orElseThrow().value().toByteArray());
            }
        }
    }

    @Test
    void askingForIpv4FromAnIpv6RelayIs440() throws Exception {
        try (TurnFixture turn = fixture(Map.of("host", "::1")); TestTurnClient client = turn.udpClient()) {
            assertEquals(ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED,
                    errorCode(client.allocate(new RequestedAddressFamily(AddressFamily.IPV4))));
        }
    }
}
