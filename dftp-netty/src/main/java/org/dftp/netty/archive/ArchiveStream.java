package org.dftp.netty.archive;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker side of an archive download: bytes written here go out as {@code HttpContent} pieces of
 * {@value #PIECE} bytes, each handed to the channel's event loop. The writer waits, on its own thread and
 * never on an event loop, while more than the channel's high-water mark is handed over and not yet written
 * to the socket: a slow client slows the archive down to its pace, and memory stays within the high-water
 * mark plus one piece. A closed channel makes every further write fail, so the writer stops promptly.
 */
final class ArchiveStream extends OutputStream {
    static final int PIECE = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final Channel channel;
    private final long limit;
    private final Object lock = new Object();
    /** Counts the bytes written to the socket. */
    private final LongAdder sent;
    /** Bytes handed to the event loop whose write has not completed; guarded by {@link #lock}. */
    private long inFlight;
    private volatile boolean gone;
    private ByteBuf piece;
    private long written;

    ArchiveStream(ChannelHandlerContext ctx, LongAdder sent) {
        this.ctx = ctx;
        this.sent = sent;
        this.channel = ctx.channel();
        this.limit = Math.max(channel.config().getWriteBufferHighWaterMark(), 2L * PIECE);
    }

    /** The channel closed: every wait and write from now on fails. Any thread. */
    void gone() {
        gone = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** How many bytes went into this stream. */
    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (gone) {
                throw new IOException("the client went away");
            }
            if (piece == null) {
                piece = ctx.alloc().ioBuffer(PIECE, PIECE);
            }
            int n = Math.min(len, piece.writableBytes());
            piece.writeBytes(b, off, n);
            off += n;
            len -= n;
            written += n;
            if (!piece.isWritable()) {
                send();
            }
        }
    }

    /** Sends what is buffered now; the end of the response is the caller's. */
    @Override
    public void flush() throws IOException {
        if (piece != null && piece.isReadable()) {
            send();
        }
    }

    /** Drops what is buffered: the response is being aborted. */
    void discard() {
        if (piece != null) {
            piece.release();
            piece = null;
        }
    }

    /**
     * Nothing: the archive writer closes its stream when it is done, and only the caller knows whether the
     * response ends ({@link #flush}) or is aborted ({@link #discard}).
     */
    @Override
    public void close() {
    }

    private void send() throws IOException {
        ByteBuf out = piece;
        piece = null;
        int size = out.readableBytes();
        try {
            awaitRoom(size);
        } catch (IOException e) {
            out.release();
            throw e;
        }
        try {
            channel.eventLoop().execute(() -> ctx.writeAndFlush(new DefaultHttpContent(out))
                    .addListener((ChannelFutureListener) f -> written(size, f.isSuccess())));
        } catch (RejectedExecutionException e) {
            written(size, false);
            out.release();
            throw new IOException("the event loop is shutting down", e);
        }
    }

    /** Waits until {@code size} more bytes stay within the limit, or the channel closes. */
    private void awaitRoom(int size) throws IOException {
        synchronized (lock) {
            while (!gone && inFlight > 0 && inFlight + size > limit) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("archive interrupted");
                }
            }
            if (gone) {
                throw new IOException("the client went away");
            }
            inFlight += size;
        }
    }

    private void written(int size, boolean ok) {
        if (ok) {
            sent.add(size);
        } else {
            gone = true;
        }
        synchronized (lock) {
            inFlight -= size;
            lock.notifyAll();
        }
    }

    /** Bytes handed over and not yet written to the socket, for tests. */
    long inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }
}
