package io.greenmesh.turn.transport;

import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunDecoder;
import io.greenmesh.turn.codec.TurnFraming;
import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.server.Allocation;
import io.greenmesh.turn.server.AllocationTable;
import io.greenmesh.turn.server.ClientSink;
import io.greenmesh.turn.server.ClientTransport;
import io.greenmesh.turn.server.FiveTuple;
import io.greenmesh.turn.server.TurnRequestHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What one UDP data-path thread does with a datagram once it has it in {@link #buf}, whichever transport (JDK NIO
 * selector or Netty epoll) received it: ChannelData and peer packets go to the {@link DataPath}, STUN requests to
 * the {@link TurnRequestHandler}. One per thread; the buffer is reused for every packet.
 */
final class UdpPackets {

    /** Client datagrams are received at 0, peer payloads at {@link DataPath#HEADROOM}. */
    final ByteBuffer buf = ByteBuffer.allocateDirect(DataPath.HEADROOM + 65536 + 8);

    private final TurnRequestHandler handler;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;

    UdpPackets(TurnRequestHandler handler, AllocationTable table, DataPath dataPath, TurnMetrics metrics) {
        this.handler = handler;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
    }

    /**
     * A client datagram of {@code length} bytes, heard by {@code listener}, is in {@code buf[0, length)}. The
     * client is answered through that listener: from the address it sent to.
     */
    void fromClient(UdpClientSink.Listener listener, InetSocketAddress source, int length) {
        int first = buf.get(0) & 0xFF;
        if (TurnFraming.isChannelData(first)) {
            Allocation allocation = table.udp(source);
            if (allocation == null) {
                metrics.dropped("no_allocation");
                return;
            }
            int dataLength = length >= 4 ? buf.getShort(2) & 0xFFFF : Integer.MAX_VALUE;
            if (dataLength > length - 4) {
                metrics.dropped("malformed_channel_data");
                return;
            }
            dataPath.channelDataFromClient(allocation, buf, 4, dataLength, buf.getShort(0) & 0xFFFF,
                    ClientTransport.UDP, dataPath.now());
            return;
        }
        if ((first & 0xC0) != 0) {
            metrics.dropped("not_turn");
            return;
        }
        byte[] raw = new byte[length];
        buf.get(0, raw);
        DecodeResult result = StunDecoder.decode(raw, 0, length);
        if (result instanceof DecodeResult.Malformed) {
            metrics.dropped("malformed_request");
            return;
        }
        FiveTuple tuple = new FiveTuple(ClientTransport.UDP, source, listener.localAddress());
        ClientSink sink = new UdpClientSink(listener, source);
        byte[] response = handler.handle((DecodeResult.Decoded) result, tuple, sink);
        if (response != null && !sink.send(response)) {
            metrics.dropped("send_error");
        }
    }

    /** A peer payload of {@code length} bytes is in {@code buf[HEADROOM, HEADROOM+length)}. */
    void fromPeer(Allocation allocation, InetSocketAddress source, int length) {
        dataPath.fromPeer(allocation, buf, length, source, dataPath.now());
    }
}
