package org.dftp.netty.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.dftp.ftp.ByteBufferSource;
import org.dftp.netty.HostPort;

/**
 * The body of one {@code GET} to a peer, read by the caller's own thread from a socket of its own: a
 * blocking {@link InputStream}, and a {@link ByteBufferSource} that lends the direct buffer the socket
 * was read into, so that FTP writes it to its client with one copy in and one out, both in the kernel.
 *
 * <p>Minimal HTTP/1.1 for the one server it talks to, a dftp node's public API: {@code Connection:
 * close}, a response head of at most {@value #MAX_HEAD} bytes, a body delimited by its
 * {@code Content-Length} (a body that ends early is an error) or by the close. A transfer coding is
 * refused rather than decoded, since a node never uses one for a file. A {@code 206} must start at the
 * requested offset.
 *
 * <p>The socket is non-blocking under a selector of its own, so that every wait has a deadline: the
 * head within the headers timeout, each read within the read timeout.
 */
final class PeerBodyStream extends InputStream implements ByteBufferSource {
    /** Read size: a few hundred KiB per system call, and small enough to stay in the CPU's cache. */
    static final int BUFFER = 256 * 1024;
    static final int MAX_HEAD = 64 * 1024;
    /** Buffers of closed streams, kept for the next ones: direct memory is freed only by the GC. */
    private static final ArrayBlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(16);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final int readTimeoutMillis;
    /** In read mode: position to limit are body bytes not yet taken. */
    private ByteBuffer buffer;
    private int status;
    /** Body bytes not yet read from the socket; -1 when the body ends with the connection. */
    private long unread = -1;
    private boolean closed;

    private PeerBodyStream(SocketChannel channel, Selector selector, int readTimeoutMillis) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.key = channel.register(selector, 0);
        this.readTimeoutMillis = readTimeoutMillis;
        this.buffer = take();
    }

    /**
     * Connects, sends {@code GET target} with a range from {@code offset}, and reads the response head.
     *
     * @return the open stream, positioned at the body, whatever the status; the caller closes it
     * @throws IOException when the owner cannot be reached, answers too slowly or not in HTTP/1.1
     */
    static PeerBodyStream get(HostPort owner, String target, long offset, int connectTimeoutMillis,
                              int headersTimeoutMillis, int readTimeoutMillis) throws IOException {
        return get(owner, target, null, offset, connectTimeoutMillis, headersTimeoutMillis, readTimeoutMillis);
    }

    /** The same, with {@code hop} (a {@code HopSignature} header value, or null) on the request. */
    static PeerBodyStream get(HostPort owner, String target, String hop, long offset, int connectTimeoutMillis,
                              int headersTimeoutMillis, int readTimeoutMillis) throws IOException {
        InetSocketAddress address = owner.host().isEmpty()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), owner.port())
                : new InetSocketAddress(owner.host(), owner.port());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve " + owner.host());
        }
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        PeerBodyStream stream = null;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(address, connectTimeoutMillis);
            channel.configureBlocking(false);
            selector = Selector.open();
            stream = new PeerBodyStream(channel, selector, readTimeoutMillis);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(headersTimeoutMillis);
            stream.send(request(owner, target, hop, offset), deadline);
            stream.readHead(offset, deadline);
            return stream;
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.close();
            } else {
                if (selector != null) {
                    selector.close();
                }
                channel.close();
            }
            throw e;
        }
    }

    private static String request(HostPort owner, String target, String hop, long offset) {
        StringBuilder b = new StringBuilder(128)
                .append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(owner).append("\r\n")
                .append("User-Agent: dftp-ftp\r\n")
                .append("Connection: close\r\n");
        if (hop != null) {
            b.append(org.dftp.netty.http.HopSignature.HEADER).append(": ").append(hop).append("\r\n");
        }
        if (offset > 0) {
            b.append("Range: bytes=").append(offset).append("-\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** The response's status code. */
    int status() {
        return status;
    }

    private void send(String request, long deadline) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "could not send the request");
            }
        }
    }

    private void readHead(long offset, long deadline) throws IOException {
        buffer.clear().limit(MAX_HEAD);
        int headEnd;
        int scanned = 0;
        while ((headEnd = headEnd(buffer, scanned)) < 0) {
            scanned = Math.max(0, buffer.position() - 3);
            if (!buffer.hasRemaining()) {
                throw new IOException("response head longer than " + MAX_HEAD + " bytes");
            }
            int n = channel.read(buffer);
            if (n < 0) {
                throw new IOException("connection closed before the response head");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, deadline, "no response head");
            }
        }
        String head = StandardCharsets.ISO_8859_1.decode(buffer.duplicate().flip().limit(headEnd)).toString();
        buffer.limit(buffer.position()).position(headEnd + 4); // what came after the head: the body's start
        parse(head, offset);
        if (unread >= 0) {
            if (buffer.remaining() > unread) {
                buffer.limit(buffer.position() + (int) unread);
            }
            unread -= buffer.remaining();
        }
    }

    /** Where {@code \r\n\r\n} starts among the bytes read so far, searching from {@code from}; -1 if not yet. */
    private static int headEnd(ByteBuffer b, int from) {
        for (int i = from; i + 3 < b.position(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void parse(String head, long offset) throws IOException {
        String[] lines = head.split("\r\n");
        String statusLine = lines[0];
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x response: " + printable(statusLine));
        }
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + printable(statusLine));
        }
        long contentLength = -1;
        String contentRange = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + printable(lines[i]));
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    long length = parseLength(value);
                    if (contentLength >= 0 && length != contentLength) {
                        throw new IOException("conflicting Content-Length headers");
                    }
                    contentLength = length;
                }
                case "transfer-encoding" -> {
                    if (!value.equalsIgnoreCase("identity")) {
                        throw new IOException("the owner sent its body with Transfer-Encoding " + printable(value));
                    }
                }
                case "content-range" -> contentRange = value;
                default -> {
                    // nothing else matters for a file's bytes
                }
            }
        }
        if (status == 206) {
            String expected = "bytes " + offset + "-";
            if (contentRange == null || !contentRange.startsWith(expected)) {
                throw new IOException("asked for bytes from " + offset + ", got Content-Range " + contentRange);
            }
        }
        unread = contentLength;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IOException("bad Content-Length " + printable(value));
    }

    private static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Waits for {@code op} until {@code deadline} (nanoTime), then lets the caller try again. */
    private void await(int op, long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what + " in time");
        }
        key.interestOps(op);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        selector.selectedKeys().clear();
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a peer");
        }
    }

    /** Reads the next bytes of the body into the buffer; false at its end. */
    private boolean fill() throws IOException {
        return fill(buffer.capacity());
    }

    /** Reads at most {@code max} next bytes of the body into the buffer, waiting for one; false at its end. */
    private boolean fill(int max) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (unread == 0) {
            return false;
        }
        buffer.clear().limit(max);
        if (unread > 0 && unread < max) {
            buffer.limit((int) unread);
        }
        long deadline = 0;
        int n;
        while ((n = channel.read(buffer)) == 0) {
            if (deadline == 0) {
                deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
            }
            await(SelectionKey.OP_READ, deadline, "the owner sent nothing for " + readTimeoutMillis + " ms");
        }
        if (n < 0) {
            buffer.flip();
            if (unread > 0) {
                throw new IOException("the owner closed the connection " + unread + " bytes before the end");
            }
            unread = 0;
            return false;
        }
        if (unread > 0) {
            unread -= n;
        }
        buffer.flip();
        return true;
    }

    @Override
    public ByteBuffer nextBuffer() throws IOException {
        if (!buffer.hasRemaining() && !fill()) {
            return null;
        }
        return buffer;
    }

    /**
     * The rest of the body spliced from the owner's socket to {@code target} (see {@link SocketSplice}):
     * first what came in with the response head, then the kernel moves the bytes between the sockets.
     */
    @Override
    public long transferTo(SocketChannel target, LongConsumer progress) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (!SocketSplice.available() || !target.isBlocking()) {
            return -1;
        }
        int to = SocketSplice.fd(target);
        int from = SocketSplice.fd(channel);
        long sent = buffer.hasRemaining() ? sendBuffered(target, progress) : 0;
        try (SocketSplice pipe = SocketSplice.open()) {
            boolean waited = false;
            while (unread != 0) {
                int n;
                boolean more = true;
                try {
                    n = pipe.fill(from, unread > 0 ? (int) Math.min(unread, SocketSplice.CHUNK) : SocketSplice.CHUNK);
                    if (n == 0 && !waited) {
                        // Nothing ready: wait until the socket is readable, then splice again.
                        await(SelectionKey.OP_READ, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis),
                                "the owner sent nothing for " + readTimeoutMillis + " ms");
                        waited = true;
                        continue;
                    }
                    if (n == 0) {
                        // Readable, yet nothing spliced: the owner's end, or a wake-up for nothing. A one-byte
                        // read tells them apart.
                        more = fill(1);
                    }
                } catch (SocketException e) {
                    throw new IOException("reading from the owner failed: " + e.getMessage(), e);
                }
                waited = false;
                if (n == 0) {
                    if (!more) {
                        break;
                    }
                    sent += sendBuffered(target, progress);
                    continue;
                }
                if (unread > 0) {
                    unread -= n;
                }
                try {
                    pipe.drain(to);
                } catch (IOException e) {
                    throw ByteBufferSource.targetFailed(e);
                }
                sent += n;
                progress.accept(n);
            }
        }
        return sent;
    }

    /** Writes the bytes read into the buffer to {@code target}; returns how many. */
    private int sendBuffered(SocketChannel target, LongConsumer progress) throws SocketException {
        int n = buffer.remaining();
        try {
            while (buffer.hasRemaining()) {
                target.write(buffer);
            }
        } catch (IOException e) {
            throw ByteBufferSource.targetFailed(e);
        }
        progress.accept(n);
        return n;
    }

    @Override
    public int read() throws IOException {
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        return buffer.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && (buffer.hasRemaining() || fill())) {
            int step = (int) Math.min(n - skipped, buffer.remaining());
            buffer.position(buffer.position() + step);
            skipped += step;
        }
        return skipped;
    }

    @Override
    public int available() {
        return buffer.remaining();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuffer b = buffer;
        buffer = EMPTY;
        try {
            selector.close();
        } finally {
            channel.close();
            POOL.offer(b.clear());
        }
    }

    private static ByteBuffer take() {
        ByteBuffer b = POOL.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(Math.max(BUFFER, MAX_HEAD));
    }
}
