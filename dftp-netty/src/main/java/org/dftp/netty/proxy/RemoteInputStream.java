package org.dftp.netty.proxy;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dftp.ftp.ByteBufferSource;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * A blocking {@link InputStream} over a reactive body, for callers that do blocking I/O on threads of
 * their own (FTP's data connections). The body is requested {@link #AHEAD} buffers ahead of the reader,
 * so a slow reader holds at most that many buffers and the peer connection stops being read.
 * Buffers are retained while queued and released once read or when the stream is closed. As a
 * {@link ByteBufferSource} it lends the received buffers themselves, so FTP writes them to its client
 * without copying them into an array first.
 */
final class RemoteInputStream extends InputStream implements ByteBufferSource {
    static final int AHEAD = 8;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD + 2);
    private final long readTimeoutMillis;
    private final Feed feed = new Feed();
    private ByteBuf current;
    private boolean ended;
    private volatile boolean closed;

    RemoteInputStream(long readTimeoutMillis) {
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** The subscriber to attach to the body. */
    BaseSubscriber<ByteBuf> feed() {
        return feed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.readableBytes());
        current.readBytes(b, off, n);
        return n;
    }

    /** The rest of the current received buffer, or the next one; valid until the next read or close. */
    @Override
    public ByteBuffer nextBuffer() throws IOException {
        if (!fill()) {
            return null;
        }
        ByteBuffer lent = current.nioBuffer(); // the same memory, unless a composite must be merged
        current.skipBytes(current.readableBytes()); // released by the next fill() or close()
        return lent;
    }

    /** Makes {@code current} readable; false at the end of the body. */
    private boolean fill() throws IOException {
        while (current == null || !current.isReadable()) {
            if (current != null) {
                current.release();
                current = null;
                feed.more();
            }
            if (ended) {
                return false;
            }
            Object next;
            try {
                next = queue.poll(readTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from a peer");
            }
            if (next == null) {
                throw new IOException("peer sent nothing for " + readTimeoutMillis + " ms");
            }
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw new IOException("peer transfer failed: " + t.getMessage(), t);
            }
            current = (ByteBuf) next;
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.cancel();
        if (current != null) {
            current.release();
            current = null;
        }
        drain();
    }

    private void drain() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof ByteBuf buf) {
                buf.release();
            }
        }
    }

    private final class Feed extends BaseSubscriber<ByteBuf> {
        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(AHEAD);
        }

        void more() {
            request(1);
        }

        @Override
        protected void hookOnNext(ByteBuf buf) {
            // The client releases its buffer after onNext: the queue keeps a reference of its own.
            if (buf.isReadable()) {
                queue.offer(buf.retain());
            } else {
                request(1);
            }
            if (closed) {
                drain();
            }
        }

        @Override
        protected void hookOnComplete() {
            queue.offer(END);
        }

        @Override
        protected void hookOnError(Throwable t) {
            queue.offer(t);
        }
    }
}
