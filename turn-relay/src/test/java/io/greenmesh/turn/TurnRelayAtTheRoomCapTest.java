package io.greenmesh.turn;

import static io.greenmesh.turn.TestTurnClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on its shipped defaults (nothing raised, the wildcard bind) carries what browsers in full rooms ask of
 * it. A room holds 16 peers (greenmesh.room.max-peers), so each browser holds 15 RTCPeerConnections; each gathers one
 * allocation per TURN URL the node hands out (udp and tcp), and twice that before BUNDLE is agreed; all under the
 * one REST username the browser's welcome carried.
 */
class TurnRelayAtTheRoomCapTest {

    static final int ROOM_CAP = 16;
    static final int TURN_URLS = 2;
    static final int UNBUNDLED = 2;
    static final int PER_BROWSER = (ROOM_CAP - 1) * TURN_URLS * UNBUNDLED;
    /** A generous retransmission timer (libwebrtc's first is 250 ms): a retransmission here means a lost answer. */
    private static final int RTO_MILLIS = 1000;

    private TurnFixture turn;
    private final Queue<TestTurnClient> clients = new ConcurrentLinkedQueue<>();

    /** The relay under test; the epoll subclass runs every case here on Netty's epoll UDP transport. */
    TurnFixture relayOnDefaults() throws IOException {
        return TurnFixture.onDefaults(false);
    }

    @BeforeEach
    void start() throws IOException {
        turn = relayOnDefaults();
    }

    @AfterEach
    void stop() throws IOException {
        for (TestTurnClient client : clients) {
            client.close();
        }
        turn.close();
    }

    @Test
    void aPeerJoiningAFullRoomGetsEveryAllocationUnderItsOneUsername() throws Exception {
        for (int connection = 0; connection < ROOM_CAP - 1; connection++) {
            for (int mLine = 0; mLine < UNBUNDLED; mLine++) {
                TestTurnClient udp = keep(turn.udpClient("peer-16").retransmitAfter(RTO_MILLIS));
                assertGranted(udp.allocate(), "udp, connection " + connection);
                assertEquals(2, udp.transmissions(), "the 401 and the allocation came at the first sending each");
                assertGranted(keep(turn.tcpClient("peer-16")).allocate(), "tcp, connection " + connection);
            }
        }
        assertEquals(PER_BROWSER, turn.server.activeAllocations());
        assertEquals(0, turn.counter("greenmesh.turn.allocations.refused", "reason", "user_quota"));
    }

    @Test
    void theUserQuotaRefusesOnlyBeyondAFullRoomsWorthRoundedUpTo64() throws Exception {
        for (int i = 0; i < 64; i++) {
            assertGranted(keep(turn.udpClient("greedy")).allocate(), "allocation " + (i + 1));
        }
        assertTrue(64 >= PER_BROWSER);
        StunMessage refused = keep(turn.udpClient("greedy")).allocate();
        assertEquals(ErrorCode.ALLOCATION_QUOTA_REACHED, errorCode(refused), "the 65th is 486");
        assertEquals(1, turn.counter("greenmesh.turn.allocations.refused", "reason", "user_quota"));
        assertGranted(keep(turn.udpClient("someone-else")).allocate(), "another username is not affected");
    }

    /**
     * Twenty browsers behind one NAT (one source IP, a port per allocation) join full rooms at the same time:
     * 20 x 60 = 1,200 allocations, every 401 answered at the first sending, nothing refused. All over UDP, whose
     * unauthenticated limits (rate and byte budget) are the stricter; TCP's are the rate alone.
     */
    @Test
    void twentyBrowsersBehindOneAddressJoinFullRoomsAtOnceWithoutARetransmission() throws Exception {
        int browsers = 20;
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int b = 0; b < browsers; b++) {
            String username = "office-" + b;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < PER_BROWSER; i++) {
                        TestTurnClient client = keep(turn.udpClient(username).retransmitAfter(RTO_MILLIS));
                        StunMessage response = client.allocate();
                        if (response == null || response.messageClass() != MessageClass.SUCCESS_RESPONSE) {
                            failures.add(username + " #" + i + ": " + response);
                        } else if (client.transmissions() != 2) {
                            failures.add(username + " #" + i + ": " + client.transmissions() + " transmissions");
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(username + ": " + e);
                }
            }, "browser-" + b));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        assertEquals(List.of(), List.copyOf(failures));
        assertEquals(browsers * PER_BROWSER, turn.server.activeAllocations());
        assertEquals(0, turn.counter("greenmesh.turn.dropped.packets", "reason", "unauthenticated_budget"),
                "no unauthenticated answer was held back");
    }

    private TestTurnClient keep(TestTurnClient client) {
        clients.add(client);
        return client;
    }

    private static void assertGranted(StunMessage response, String what) {
        assertTrue(response != null && response.messageClass() == MessageClass.SUCCESS_RESPONSE,
                () -> what + ": " + response);
    }
}
