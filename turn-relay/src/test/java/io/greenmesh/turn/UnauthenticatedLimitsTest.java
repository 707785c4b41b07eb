package io.greenmesh.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunDecoder;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both sides of the limits on what the relay says to sources that have not authenticated, on the shipped defaults:
 * a browser's first request is answered at once, yet no UDP source gets more than 3x the bytes it sent (QUIC's
 * anti-amplification bound), and one address gets an office's burst of challenges but no more than the rate after.
 */
class UnauthenticatedLimitsTest {

    /** libwebrtc's first Allocate: a 20-byte header and REQUESTED-TRANSPORT, no FINGERPRINT (TurnAllocateRequest). */
    static final byte[] CHROME_FIRST_ALLOCATE = StunEncoder.encode(
            StunMessage.request(Method.ALLOCATE, List.of(new RequestedTransport(RequestedTransport.UDP))));

    private TurnFixture turn;
    private InetSocketAddress relay;

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture relayOnDefaults() throws IOException {
        return TurnFixture.onDefaults(false);
    }

    @BeforeEach
    void start() throws IOException {
        turn = relayOnDefaults();
        relay = new InetSocketAddress(turn.clientTarget(), turn.server.udpPort());
    }

    @AfterEach
    void stop() {
        turn.close();
    }

    @Test
    void chromesFirst28ByteAllocateIsChallengedAtTheFirstSendingWithin3xItsSize() throws Exception {
        assertEquals(28, CHROME_FIRST_ALLOCATE.length);
        try (DatagramSocket browser = socket()) {
            browser.send(new DatagramPacket(CHROME_FIRST_ALLOCATE, CHROME_FIRST_ALLOCATE.length, relay));
            byte[] answer = receive(browser, 1000);
            assertNotNull(answer, "the 401 came without a retransmission");
            assertTrue(answer.length <= 3 * CHROME_FIRST_ALLOCATE.length, answer.length + " bytes");
            StunMessage challenge = ((DecodeResult.Decoded) StunDecoder.decode(answer)).message();
            assertEquals(ErrorCode.UNAUTHENTICATED, TestTurnClient.errorCode(challenge));
            assertTrue(challenge.attribute(Realm.class).isPresent() && challenge.attribute(Nonce.class).isPresent(),
                    "it carries what the browser needs to authenticate");
        }
    }

    @Test
    void aSourceIsNeverAnsweredMoreThan3xTheBytesItSent() throws Exception {
        // The smallest STUN message, a bare 20-byte Allocate, buys 60 bytes: not enough for the 76-byte 401.
        byte[] bare = StunEncoder.encode(StunMessage.request(Method.ALLOCATE, List.of()));
        assertEquals(20, bare.length);
        try (DatagramSocket source = socket()) {
            source.send(new DatagramPacket(bare, bare.length, relay));
            assertNull(receive(source, 300), "silence: 3 x 20 bytes cannot pay for the 401");
            assertEquals(1, turn.counter("greenmesh.turn.dropped.packets", "reason", "unauthenticated_budget"));
            source.send(new DatagramPacket(bare, bare.length, relay));
            byte[] answer = receive(source, 1000);
            assertNotNull(answer, "the retransmission brought the source's total to 40 bytes, 120 of credit");
            assertTrue(answer.length <= 3 * 2 * bare.length, answer.length + " bytes");
        }
    }

    @Test
    void oneAddressGetsAnOfficesBurstOf1200ChallengesThenOnlyTheRate() throws Exception {
        int burst = 20 * TurnRelayAtTheRoomCapTest.PER_BROWSER; // 20 browsers joining full rooms at once
        try (DatagramSocket office = socket()) {
            long started = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                office.send(new DatagramPacket(CHROME_FIRST_ALLOCATE, CHROME_FIRST_ALLOCATE.length, relay));
                assertNotNull(receive(office, 1000), "every challenge of the burst is answered at once");
            }
            int beyond = 400;
            for (int i = 0; i < beyond; i++) {
                office.send(new DatagramPacket(CHROME_FIRST_ALLOCATE, CHROME_FIRST_ALLOCATE.length, relay));
            }
            int answered = 0;
            while (receive(office, 200) != null) {
                answered++;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // 120 answers a second refill the bucket: beyond the burst no more than that (plus one in flight).
            assertTrue(answered <= 120 * seconds + 1, answered + " answered beyond the burst in " + seconds + " s");
            assertTrue(turn.counter("greenmesh.turn.dropped.packets", "reason", "unauthenticated_budget")
                    >= beyond - 120 * seconds - 1, "the rest was dropped and counted");
        }
    }

    private DatagramSocket socket() throws IOException {
        return new DatagramSocket(new InetSocketAddress(turn.clientTarget(), 0));
    }

    private static byte[] receive(DatagramSocket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        try {
            socket.receive(packet);
            return Arrays.copyOf(packet.getData(), packet.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        }
    }
}
