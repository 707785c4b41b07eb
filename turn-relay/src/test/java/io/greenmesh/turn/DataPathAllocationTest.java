package io.greenmesh.turn;

import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing per packet: the heap bytes allocated by the relay's UDP worker threads while
 * they relay thousands of ChannelData packets each way (encrypted-only check on) stay a small constant, not
 * growing with the packet count. Measured with the JVM's per-thread allocation counter.
 */
class DataPathAllocationTest {

    private static final int PACKETS = 20_000;

    @Test
    void relayingChannelDataAllocatesNothingPerPacket() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (TurnFixture turn = new TurnFixture(Map.of("workers", 1, "bandwidth-per-allocation", 0));
             TestTurnClient client = turn.udpClient()) {
            InetSocketAddress relayed = TestTurnClient.relayed(client.allocate());
            client.channelBind(0x4000, turn.peerAddress());
            client.sendChannelData(0x4000, DTLS_HANDSHAKE);
            assertNotNull(turn.peerReceive(2000));
            warmUp(turn, client, relayed, 5_000);

            long[] workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("turn-udp-")).mapToLong(Thread::getId).toArray();
            long before = Arrays.stream(workers).map(threads::getThreadAllocatedBytes).sum();
            int relayedBack = exchange(turn, client, relayed, PACKETS);
            long allocated = Arrays.stream(workers).map(threads::getThreadAllocatedBytes).sum() - before;

            assertTrue(relayedBack > PACKETS * 9 / 10, "most packets made the round trip: " + relayedBack);
            double perPacket = (double) allocated / (2.0 * PACKETS);
            System.out.printf("worker threads allocated %d bytes for %d packets: %.2f bytes/packet%n",
                    allocated, 2 * PACKETS, perPacket);
            assertTrue(perPacket < 8, "bytes allocated per relayed packet: " + perPacket);
        }
    }

    private static void warmUp(TurnFixture turn, TestTurnClient client, InetSocketAddress relayed, int packets)
            throws Exception {
        exchange(turn, client, relayed, packets); // lets the JIT compile the path before measuring
    }

    /** Client→peer ChannelData and peer→client replies, lock-step in small windows; returns replies received. */
    private static int exchange(TurnFixture turn, TestTurnClient client, InetSocketAddress relayed, int packets)
            throws Exception {
        int back = 0;
        DatagramPacket reply = new DatagramPacket(SRTP, SRTP.length, relayed);
        for (int i = 0; i < packets; i += 50) {
            for (int j = 0; j < 50; j++) {
                client.sendChannelData(0x4000, SRTP);
            }
            for (int j = 0; j < 50; j++) {
                if (turn.peerReceive(500) == null) {
                    break;
                }
                turn.peer.send(reply);
            }
            for (int j = 0; j < 50; j++) {
                if (client.receiveData(200) == null) {
                    break;
                }
                back++;
            }
        }
        return back;
    }
}
