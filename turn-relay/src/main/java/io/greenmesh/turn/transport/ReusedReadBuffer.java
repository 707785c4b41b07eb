package io.greenmesh.turn.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The recvmmsg buffer of one event loop, shared by all its channels: they read one after the other on that
 * thread, and every datagram's slice is released before the read returns (the worker copies it out), so the
 * same direct buffer serves every read. A pooled buffer of this size (one 64 KiB slot per datagram) would be
 * carved out of an arena chunk and, when the chunk empties again, handed back to the OS; reused, it costs
 * nothing per read. Should a slice still be held, a read gets a buffer from the channel's allocator instead.
 */
final class ReusedReadBuffer implements RecvByteBufAllocator {

    private final ByteBuf buffer;
    private final int maxMessagesPerRead;

    ReusedReadBuffer(int capacity, int maxMessagesPerRead) {
        this.buffer = Unpooled.directBuffer(capacity, capacity);
        this.maxMessagesPerRead = maxMessagesPerRead;
    }

    /** Frees the buffer; the event loop must have stopped reading. */
    void release() {
        buffer.release();
    }

    @Override
    public Handle newHandle() {
        ExtendedHandle fixed = (ExtendedHandle) new FixedRecvByteBufAllocator(buffer.capacity())
                .maxMessagesPerRead(maxMessagesPerRead).newHandle();
        return new ExtendedHandle() {
            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                if (buffer.refCnt() == 1) {
                    return buffer.clear().retain();
                }
                return alloc.directBuffer(buffer.capacity());
            }

            @Override
            public int guess() {
                return fixed.guess();
            }

            @Override
            public void reset(ChannelConfig config) {
                fixed.reset(config);
            }

            @Override
            public void incMessagesRead(int numMessages) {
                fixed.incMessagesRead(numMessages);
            }

            @Override
            public void lastBytesRead(int bytes) {
                fixed.lastBytesRead(bytes);
            }

            @Override
            public int lastBytesRead() {
                return fixed.lastBytesRead();
            }

            @Override
            public void attemptedBytesRead(int bytes) {
                fixed.attemptedBytesRead(bytes);
            }

            @Override
            public int attemptedBytesRead() {
                return fixed.attemptedBytesRead();
            }

            @Override
            public boolean continueReading() {
                return fixed.continueReading();
            }

            @Override
            public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
                return fixed.continueReading(maybeMoreDataSupplier);
            }

            @Override
            public void readComplete() {
                fixed.readComplete();
            }
        };
    }
}
