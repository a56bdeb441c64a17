package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A body generated piece by piece from a tree snapshot (a listing, a {@code /find/}), so that no
 * response is ever built whole in memory. {@link ChunkedInput} lets the {@code ChunkedWriteHandler}
 * pull the next piece only when the socket takes more: a slow client holds one chunk, not the tree.
 */
abstract class BodySource implements ChunkedInput<ByteBuf> {
    /** Roughly how many bytes one piece holds. */
    static final int CHUNK = 32 * 1024;

    private boolean done;
    private long produced;

    /**
     * Appends the next piece to {@code out}, about {@link #CHUNK} bytes or fewer.
     *
     * @return true when the body is complete
     */
    protected abstract boolean fill(ByteBuf out);

    @Override
    public boolean isEndOfInput() {
        return done;
    }

    @Override
    public void close() {
        done = true;
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (done) {
            return null;
        }
        ByteBuf buf = allocator.buffer(CHUNK + 1024);
        try {
            done = fill(buf);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        produced += buf.readableBytes();
        return buf;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return produced;
    }
}
