package io.greenmesh.turn.transport;

import io.greenmesh.turn.codec.TurnFraming;
import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.metrics.TurnMetrics.Direction;
import io.greenmesh.turn.policy.EnforcementMode;
import io.greenmesh.turn.policy.PayloadClassifier;
import io.greenmesh.turn.policy.PayloadVerdict;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.ChannelBinding;
import io.greenmesh.turn.server.ClientTransport;
import io.greenmesh.turn.server.PeerDataPath;
import io.greenmesh.turn.server.Permission;
import io.greenmesh.turn.server.TurnUser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-packet work, shared by every transport: permission and channel lookups, the encrypted-only check,
 * the bandwidth limit, framing in place and counting. Nothing here allocates on the ChannelData and peer paths:
 * payloads stay in the caller's (direct) buffer and headers are written into the headroom in front of them.
 */
public final class DataPath implements PeerDataPath {

    /** Bytes kept free in front of a peer payload for the largest header (a Data indication). */
    public static final int HEADROOM = TurnFraming.MAX_DATA_INDICATION_HEADER;

    private final EnforcementMode mode;
    private final TurnMetrics metrics;
    private final Clock clock;

    public DataPath(EnforcementMode mode, TurnMetrics metrics, Clock clock) {
        this.mode = mode;
        this.metrics = metrics;
        this.clock = clock;
    }

    long now() {
        return clock.millis();
    }

    /** Client to peer, ChannelData: the payload is {@code buf[offset, offset+length)}. */
    public void channelDataFromClient(Allocation allocation, ByteBuffer buf, int offset, int length, int channel,
                                      ClientTransport transport, long now) {
        ChannelBinding binding = allocation.channel(channel, now);
        if (binding == null) {
            metrics.dropped("no_channel");
            return;
        }
        Permission permission = allocation.permission(binding.peer().getAddress(), now);
        if (permission == null) {
            metrics.dropped("no_permission");
            return;
        }
        toPeer(allocation, permission, buf, offset, length, binding.peer(), transport, now);
    }

    @Override
    public void sendIndication(Allocation allocation, InetSocketAddress peer, byte[] data) {
        long now = clock.millis();
        Permission permission = allocation.permission(peer.getAddress(), now);
        if (permission == null) {
            metrics.dropped("no_permission");
            return;
        }
        toPeer(allocation, permission, ByteBuffer.wrap(data), 0, data.length, peer, allocation.sink().transport(), now);
    }

    private void toPeer(Allocation allocation, Permission permission, ByteBuffer buf, int offset, int length,
                        InetSocketAddress peer, ClientTransport transport, long now) {
        if (!admit(allocation.user(), buf, offset, length)) {
            return;
        }
        if (!allocation.spend(length)) {
            metrics.dropped("bandwidth");
            return;
        }
        try {
            buf.limit(offset + length).position(offset);
            allocation.relay().send(buf, peer);
        } catch (IOException e) {
            metrics.dropped("send_error");
            return;
        }
        allocation.touch(now);
        metrics.relayed(Direction.CLIENT_TO_PEER, transport, length);
    }

    /**
     * Peer to client: the payload is {@code buf[HEADROOM, HEADROOM+length)} as received on the relay socket.
     * Framed as ChannelData when the peer has a channel, else as a Data indication (RFC 8656 §11.4, §12.6).
     */
    public void fromPeer(Allocation allocation, ByteBuffer buf, int length, InetSocketAddress source, long now) {
        Permission permission = allocation.permission(source.getAddress(), now);
        if (permission == null) {
            metrics.dropped("no_permission");
            return;
        }
        if (!admit(allocation.user(), buf, HEADROOM, length)) {
            return;
        }
        if (!allocation.spend(length)) {
            metrics.dropped("bandwidth");
            return;
        }
        ChannelBinding binding = allocation.channelFor(source, now);
        int start;
        int end;
        if (binding != null) {
            start = HEADROOM - 4;
            TurnFraming.putChannelDataHeader(buf, start, binding.number(), length);
            end = HEADROOM + length;
        } else {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            start = TurnFraming.putDataIndicationHeader(buf, HEADROOM, permission.peerBytes(), source.getPort(),
                    length, random.nextLong(), random.nextInt());
            end = TurnFraming.padTo4(buf, HEADROOM, length);
        }
        if (!allocation.sink().send(buf, start, end)) {
            metrics.dropped("client_unreachable");
            return;
        }
        allocation.touch(now);
        metrics.relayed(Direction.PEER_TO_CLIENT, allocation.sink().transport(), length);
    }

    /** The encrypted-only check; a DTLS handshake record opens the user's allocations to SRTP. */
    private boolean admit(TurnUser user, ByteBuffer buf, int offset, int length) {
        if (mode == EnforcementMode.OFF) {
            return true;
        }
        PayloadVerdict verdict = PayloadClassifier.classify(buf, offset, length, user.dtlsSeen());
        if (verdict == PayloadVerdict.DTLS_HANDSHAKE) {
            user.markDtlsSeen();
        }
        if (verdict.relay()) {
            return true;
        }
        if (mode == EnforcementMode.MONITOR) {
            metrics.wouldDrop(verdict.label());
            return true;
        }
        metrics.dropped(verdict.label());
        return false;
    }
}
