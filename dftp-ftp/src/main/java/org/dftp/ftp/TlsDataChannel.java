package org.dftp.ftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS on one data connection ({@code PROT P}): an {@link SSLEngine} in server mode over the blocking
 * {@link SocketChannel} of {@link ChannelDataConnectionFactory}, driven by the session's thread. The
 * engine comes from the control connection's {@link SSLContext}, so a client may resume that TLS session
 * here (session reuse is offered, never required).
 *
 * <p>Reads go through the socket's stream, which honours its {@code SO_TIMEOUT} (the session's idle time),
 * as plain uploads do; writes are blocking channel writes, as plain downloads are. Records go out several
 * at a time: {@link #write} encrypts a buffer into a pooled buffer of eight records and writes that
 * in one call. The pooled buffers are heap buffers: the JDK's AES-GCM encrypts between arrays about twice
 * as fast as between direct buffers (measured on JDK 17), far more than the copy into the socket's own
 * direct buffer costs. The client speaks first ({@code ClientHello}); {@link #accept} returns once the
 * handshake is over, any application bytes that came with the client's last flight kept for {@link #read}.
 *
 * <p>A transfer ends with {@link #closeOutbound} ({@code close_notify}) when it is complete, and with
 * {@link #release} in any case, on the thread that used it. An upload ends at the client's
 * {@code close_notify}; a connection that ends without one is a failure (the upload may be cut short, as
 * a truncation attack would cut it), never the end of the file. Not thread-safe: one transfer, one thread.
 * A close of the channel by another thread (an {@code ABOR}, a stopping server) ends it with a failure.
 */
final class TlsDataChannel {
    /** Records per write: a download is written in calls of about 128 KiB, as a plain copy is. */
    static final int RECORDS_PER_WRITE = 8;
    /** The size of the pooled buffers: eight full records and their overhead, or a 128 KiB chunk. */
    static final int POOLED = 160 * 1024;
    /** How much of a file one read takes under TLS: eight full records of plaintext. */
    static final int CHUNK = 128 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Buffers kept between transfers, so that a busy server does not make 300 KiB of garbage a transfer. */
    private static final ArrayBlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(16);

    private final SocketChannel channel;
    private final InputStream in;
    private final SSLEngine engine;
    private final int packetSize;
    /** Bytes received and not yet unwrapped; kept in write mode (its position is the end of the data). */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet read; kept in read mode. */
    private ByteBuffer appIn;
    /** Records not yet written; kept in write mode. Pooled, null once released. */
    private ByteBuffer netOut;
    private boolean inboundDone;

    private TlsDataChannel(SocketChannel channel, SSLEngine engine) throws IOException {
        this.channel = channel;
        this.in = channel.socket().getInputStream();
        this.engine = engine;
        this.packetSize = engine.getSession().getPacketBufferSize();
        int appSize = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocate(4 * packetSize);
        this.appIn = ByteBuffer.allocate(4 * appSize).flip();
        this.netOut = acquire(RECORDS_PER_WRITE * packetSize);
    }

    /**
     * Runs the server side of the handshake on a connected data connection.
     *
     * @param channel the data connection, blocking, with the idle time as {@code SO_TIMEOUT}
     * @param context the control connection's context
     * @throws IOException when the handshake fails or the connection does, or the idle time passes first
     */
    static TlsDataChannel accept(SocketChannel channel, SSLContext context) throws IOException {
        Objects.requireNonNull(context, "context");
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        TlsDataChannel tls = new TlsDataChannel(channel, engine);
        boolean done = false;
        try {
            tls.handshake();
            done = true;
            return tls;
        } finally {
            if (!done) {
                tls.release();
            }
        }
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (true) {
            switch (hs) {
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = unwrap(true);
                    if (r == null) {
                        throw new SocketException("the client closed the data connection during the TLS handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the client ended TLS during the handshake");
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    if (onlyPostHandshake()) {
                        flush();
                        return;
                    }
                    hs = wrap(EMPTY).getHandshakeStatus();
                }
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                case FINISHED -> hs = engine.getHandshakeStatus();
                case NOT_HANDSHAKING -> {
                    flush();
                    return;
                }
                default -> throw new SSLException("unexpected TLS handshake status " + hs);
            }
        }
    }

    /**
     * Whether all the engine still wants to send is TLS 1.3's post-handshake messages: the session ticket a
     * server sends once the client's {@code Finished} is in, or the answer to a key update. They wait for the
     * next write instead of going out at once. A client that only sends (an upload) never reads them, and
     * closing a socket with unread bytes makes its kernel send a reset instead of a FIN, which throws away
     * the upload's last bytes still on their way. A download sends them ahead of the file; an upload with
     * its answering {@code close_notify}, if the client still listens. (A TLS 1.2 handshake finishes with
     * the server's own {@code Finished}, which must go out: there the engine reports its protocol as 1.2.)
     */
    private boolean onlyPostHandshake() {
        return engine.getHandshakeSession() == null && "TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /** A pooled buffer of {@value #CHUNK} bytes for a file's plaintext; give it back with {@link #giveBack}. */
    static ByteBuffer chunk() {
        ByteBuffer b = acquire(CHUNK);
        return b.limit(CHUNK);
    }

    /** Returns a buffer of {@link #chunk()} to the pool. */
    static void giveBack(ByteBuffer buffer) {
        if (buffer != null && !buffer.isDirect() && buffer.capacity() == POOLED) {
            POOL.offer(buffer.clear());
        }
    }

    private static ByteBuffer acquire(int size) {
        if (size <= POOLED) {
            ByteBuffer b = POOL.poll();
            return b != null ? b.clear() : ByteBuffer.allocate(POOLED);
        }
        return ByteBuffer.allocate(size); // a larger record size than TLS's: not pooled
    }

    /** Encrypts all of {@code src} and writes it; blocks until the socket took it. */
    void write(ByteBuffer src) throws IOException {
        wrap(src);
        flush();
    }

    /** Sends {@code close_notify}: the client knows the transfer is whole. */
    void closeOutbound() throws IOException {
        engine.closeOutbound();
        while (!engine.isOutboundDone() && wrap(EMPTY).bytesProduced() > 0) {
            // one record: the alert
        }
        flush();
    }

    /** Gives the pooled buffer back; nothing may be sent afterwards. Idempotent. */
    void release() {
        giveBack(netOut);
        netOut = null;
    }

    /** The plaintext the client sends, ending at its {@code close_notify}. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff; // read blocks until a byte comes
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return TlsDataChannel.this.read(b, off, len);
            }
        };
    }

    /** The data connection as a stream of plaintext: records are sent as they fill, and on {@code flush}. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                wrap(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void flush() throws IOException {
                TlsDataChannel.this.flush();
            }

            @Override
            public void close() throws IOException {
                flush(); // the data connection stays open, as the plain stream's close leaves it
            }
        };
    }

    /**
     * Plaintext from the client: what was unwrapped already, else at least one record, reading the socket
     * once at most; then as many more whole records as the socket had delivered and {@code b} can take.
     *
     * @return the count, or -1 after the client's {@code close_notify}
     * @throws SocketException when the connection ended without {@code close_notify}
     */
    int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (!appIn.hasRemaining()) {
            if (inboundDone) {
                return -1;
            }
            step(true);
        }
        int n = 0;
        while (true) {
            int m = Math.min(len - n, appIn.remaining());
            appIn.get(b, off + n, m);
            n += m;
            if (n == len || inboundDone || netIn.position() == 0 || !step(false)) {
                return n;
            }
        }
    }

    /** One unwrap and what it asks for; false when it needed more bytes than had come and could not wait. */
    private boolean step(boolean mayBlock) throws IOException {
        SSLEngineResult r = unwrap(mayBlock);
        if (r == null) {
            throw new SocketException("the client closed the data connection without TLS close_notify:"
                    + " the transfer may be incomplete");
        }
        switch (r.getStatus()) {
            case CLOSED -> {
                inboundDone = true;
                try {
                    closeOutbound(); // the answering close_notify, as TLS 1.2 asks
                } catch (IOException e) {
                    // most clients close the socket right after their own: the upload is whole all the same
                }
                return false;
            }
            case BUFFER_UNDERFLOW -> {
                return false;
            }
            default -> {
                // OK, or an overflow that reading appIn clears
            }
        }
        switch (r.getHandshakeStatus()) {
            case NEED_TASK -> runTasks();
            case NEED_WRAP -> { // a renegotiation the client started; TLS 1.3's messages wait (onlyPostHandshake)
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && !onlyPostHandshake()
                        && wrap(EMPTY).bytesProduced() > 0) {
                    // each wrap sends one handshake record
                }
                flush();
            }
            default -> {
            }
        }
        return r.bytesProduced() > 0 || r.bytesConsumed() > 0;
    }

    /**
     * One record from {@link #netIn} into {@link #appIn}, reading the socket first when no whole record is
     * there and {@code mayBlock}.
     *
     * @return the engine's result, or null when the socket ended before a whole record came
     */
    private SSLEngineResult unwrap(boolean mayBlock) throws IOException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!mayBlock) {
                        return r;
                    }
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, netIn.capacity() + packetSize);
                    }
                    if (fill() < 0) {
                        return null;
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (appIn.hasRemaining()) {
                        return r; // read what is there first
                    }
                    appIn = grow(appIn.compact(), engine.getSession().getApplicationBufferSize() * 2).flip();
                }
                default -> {
                    return r;
                }
            }
        }
    }

    /** Reads what the socket has into {@link #netIn}, blocking for one byte at least; -1 at its end. */
    private int fill() throws IOException {
        flush(); // the client may be waiting for what is queued
        int n = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n > 0) {
            netIn.position(netIn.position() + n);
        }
        return n;
    }

    /** Encrypts all of {@code src} into {@link #netOut}, writing it out whenever it cannot take a record more. */
    private SSLEngineResult wrap(ByteBuffer src) throws IOException {
        if (netOut == null) {
            throw new SocketException("the TLS data connection was released");
        }
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    if (netOut.position() == 0) {
                        netOut = grow(netOut, netOut.capacity() + packetSize); // cannot happen with TLS's sizes
                    } else {
                        flush();
                    }
                    continue;
                }
                case CLOSED -> {
                    if (src.hasRemaining()) {
                        throw new SSLException("TLS is closed on this data connection");
                    }
                }
                case BUFFER_UNDERFLOW -> throw new SSLException("TLS wrap underflow");
                default -> {
                }
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (netOut.remaining() < packetSize) {
                flush();
            }
            if (!src.hasRemaining() || r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return r;
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                // The engine waits for the client (a renegotiation mid-download): dftp does not read then.
                throw new SSLException("TLS renegotiation is not supported on data connections");
            }
        }
    }

    /** Writes {@link #netOut} out, all of it. */
    private void flush() throws IOException {
        if (netOut == null || netOut.position() == 0) {
            return;
        }
        netOut.flip();
        try {
            while (netOut.hasRemaining()) {
                channel.write(netOut);
            }
        } finally {
            netOut.clear();
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** A larger buffer of the same kind holding what {@code b} holds (write mode in, write mode out). */
    private static ByteBuffer grow(ByteBuffer b, int capacity) {
        ByteBuffer bigger = b.isDirect() ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        b.flip();
        bigger.put(b);
        return bigger;
    }
}
