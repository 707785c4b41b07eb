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
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One TCP or TLS client connection (RFC 8656 §5): a reader thread that splits the stream into STUN messages and
 * padded ChannelData frames, and a writer thread fed by a bounded queue, so a client that stops reading loses
 * its own packets instead of stalling the UDP workers. The allocation dies with the connection.
 */
final class StreamConnection implements ClientSink {

    private static final int QUEUE = 1024;
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final byte[] CLOSE = new byte[0];

    private final Socket socket;
    private final ClientTransport transport;
    private final FiveTuple tuple;
    private final TurnRequestHandler handler;
    private final AllocationTable table;
    private final DataPath dataPath;
    private final TurnMetrics metrics;
    private final BlockingQueue<byte[]> outbound = new ArrayBlockingQueue<>(QUEUE);
    private final Runnable onClose;

    StreamConnection(Socket socket, ClientTransport transport, InetSocketAddress listenAddress,
                     TurnRequestHandler handler, AllocationTable table, DataPath dataPath, TurnMetrics metrics,
                     Runnable onClose) {
        this.socket = socket;
        this.transport = transport;
        this.tuple = new FiveTuple(transport, (InetSocketAddress) socket.getRemoteSocketAddress(), listenAddress);
        this.handler = handler;
        this.table = table;
        this.dataPath = dataPath;
        this.metrics = metrics;
        this.onClose = onClose;
    }

    void start() {
        Thread reader = new Thread(this::readLoop, "turn-" + transport.label() + "-read-" + tuple.client());
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public ClientTransport transport() {
        return transport;
    }

    @Override
    public boolean send(ByteBuffer buf, int from, int to) {
        int length = to - from;
        boolean channelData = TurnFraming.isChannelData(buf.get(from) & 0xFF);
        byte[] frame = new byte[channelData ? (length + 3) & ~3 : length];
        buf.get(from, frame, 0, length);
        return outbound.offer(frame);
    }

    private void readLoop() {
        Thread writer = new Thread(this::writeLoop, "turn-" + transport.label() + "-write-" + tuple.client());
        writer.setDaemon(true);
        writer.start();
        try {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16384));
            byte[] header = new byte[4];
            while (true) {
                try {
                    in.readFully(header);
                } catch (SocketTimeoutException e) {
                    if (table.get(tuple) == null) {
                        return; // a connection that never allocated does not get to sit here
                    }
                    continue;
                }
                int frameLength = TurnFraming.streamFrameLength(header[0], header[1], header[2], header[3]);
                if (frameLength < 0) {
                    metrics.dropped("bad_stream_frame");
                    return; // the stream has lost framing: nothing after this can be trusted
                }
                byte[] frame = new byte[frameLength];
                System.arraycopy(header, 0, frame, 0, 4);
                in.readFully(frame, 4, frameLength - 4);
                onFrame(frame);
            }
        } catch (EOFException e) {
            // Client closed.
        } catch (IOException | RuntimeException e) {
            metrics.dropped("stream_error");
        } finally {
            outbound.clear();
            outbound.offer(CLOSE);
            handler.connectionClosed(tuple);
            closeQuietly();
            onClose.run();
        }
    }

    private void onFrame(byte[] frame) {
        if (TurnFraming.isChannelData(frame[0] & 0xFF)) {
            Allocation allocation = table.get(tuple);
            int dataLength = TurnFraming.channelDataLength(frame, 0, frame.length);
            if (allocation == null || dataLength < 0) {
                metrics.dropped(allocation == null ? "no_allocation" : "malformed_channel_data");
                return;
            }
            dataPath.channelDataFromClient(allocation, ByteBuffer.wrap(frame), 4, dataLength,
                    TurnFraming.channelNumber(frame, 0), transport, dataPath.now());
            return;
        }
        DecodeResult result = StunDecoder.decode(frame, 0, frame.length);
        if (result instanceof DecodeResult.Decoded decoded) {
            byte[] response = handler.handle(decoded, tuple, this);
            if (response != null && !outbound.offer(response)) {
                metrics.dropped("client_unreachable");
            }
        } else {
            metrics.dropped("malformed_request");
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] frame = outbound.poll(1, TimeUnit.SECONDS);
                if (frame == CLOSE || socket.isClosed()) {
                    return;
                }
                if (frame == null) {
                    continue;
                }
                out.write(frame);
                if (outbound.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly();
        }
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
