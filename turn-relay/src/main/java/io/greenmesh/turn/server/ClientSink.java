package io.greenmesh.turn.server;

import java.nio.ByteBuffer;

/** The way back to a client: its UDP address on a listener socket, or its TCP/TLS connection. */
public interface ClientSink {

    ClientTransport transport();

    /**
     * Sends the frame {@code buf[from, to)} to the client (absolute indexes; the buffer's position and limit may
     * change). Returns false when the frame was dropped, for example because a stream client is not reading.
     * Stream sinks pad ChannelData to four bytes themselves.
     */
    boolean send(ByteBuffer buf, int from, int to);

    default boolean send(byte[] frame) {
        return send(ByteBuffer.wrap(frame), 0, frame.length);
    }
}
