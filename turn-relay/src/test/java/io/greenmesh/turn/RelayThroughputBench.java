package io.greenmesh.turn;

import static io.greenmesh.turn.TurnFixture.DTLS_HANDSHAKE;
import static io.greenmesh.turn.TurnFixture.SRTP;

import io.greenmesh.turn.codec.TurnFraming;
import io.greenmesh.turn.message.ChannelData;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a test: a loopback throughput probe, run by hand ({@code java -cp ... io.greenmesh.turn.RelayThroughputBench
 * [workers] [allocations] [seconds]}). Client sockets blast 160-byte SRTP-shaped ChannelData (the encrypted-only
 * check on) at the relay; peer sockets count what arrives. Sender, receiver and relay share the machine's cores,
 * so the result is a lower bound for the relay.
 */
public final class RelayThroughputBench {

    private RelayThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int allocations = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        byte[] payload = new byte[160];
        System.arraycopy(SRTP, 0, payload, 0, SRTP.length);
        try (TurnFixture turn = new TurnFixture(Map.of("workers", workers, "bandwidth-per-allocation", 0))) {
            List<DatagramSocket> senders = new ArrayList<>();
            List<DatagramChannel> peers = new ArrayList<>();
            for (int i = 0; i < allocations; i++) {
                DatagramChannel peer = DatagramChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                peers.add(peer);
                TestTurnClient client = turn.udpClient();
                client.allocate();
                client.channelBind(0x4000, (InetSocketAddress) peer.getLocalAddress());
                client.sendChannelData(0x4000, DTLS_HANDSHAKE); // opens the permission to SRTP
                peer.receive(ByteBuffer.allocate(2048));
                senders.add(client.udpSocket());
            }
            LongAdder received = new LongAdder();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread receiver = new Thread(() -> {
                try (var selector = java.nio.channels.Selector.open()) {
                    for (DatagramChannel peer : peers) {
                        peer.configureBlocking(false);
                        peer.register(selector, java.nio.channels.SelectionKey.OP_READ);
                    }
                    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                    while (running.get()) {
                        selector.select(key -> {
                            try {
                                while (true) {
                                    buf.clear();
                                    if (((DatagramChannel) key.channel()).receive(buf) == null) {
                                        break;
                                    }
                                    received.increment();
                                }
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }, 100);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "bench-peer");
            receiver.start();
            byte[] frame = TurnFraming.encodeChannelData(new ChannelData(0x4000, payload), false);
            InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), turn.server.udpPort());
            LongAdder sent = new LongAdder();
            Thread sender = new Thread(() -> {
                java.net.DatagramPacket packet = new java.net.DatagramPacket(frame, frame.length, relay);
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                try {
                    while (System.nanoTime() < end) {
                        for (DatagramSocket s : senders) {
                            s.send(packet);
                            sent.increment();
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "bench-client");
            long start = System.nanoTime();
            long relayedBefore = turn.server.relayedBytes().getAsLong();
            sender.start();
            sender.join();
            Thread.sleep(200);
            running.set(false);
            receiver.join();
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("workers=%d allocations=%d: sent %.0f pkt/s, relayed %.0f pkt/s (%.1f Mbit/s payload),"
                            + " loss %.1f%%%n", workers, allocations, sent.sum() / elapsed, received.sum() / elapsed,
                    (turn.server.relayedBytes().getAsLong() - relayedBefore) * 8 / elapsed / 1e6,
                    100.0 * (sent.sum() - received.sum()) / Math.max(1, sent.sum()));
        }
    }
}
