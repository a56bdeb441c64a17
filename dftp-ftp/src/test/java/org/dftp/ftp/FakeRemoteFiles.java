package org.dftp.ftp;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.dftp.core.DfsPath;

/**
 * The files of other nodes, in memory: what the node's peer client would fetch from their owners.
 * Records every open, so tests can check the owner and the {@code REST} offset that reached it, and
 * counts open streams, so tests can check that every one was closed.
 */
final class FakeRemoteFiles implements RemoteFileSource {
    /** One call to {@link #open}. */
    record Open(String owner, DfsPath path, long offset) {
    }

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Long> endless = new ConcurrentHashMap<>();
    private final Map<String, Boolean> lent = new ConcurrentHashMap<>();
    private final List<Open> opens = new CopyOnWriteArrayList<>();
    private final AtomicInteger openStreams = new AtomicInteger();

    void put(String owner, DfsPath path, byte[] content) {
        files.put(key(owner, path), content);
    }

    /** Like {@link #put}, but its streams lend their bytes as buffers too, as the node's peer client does. */
    void putLent(String owner, DfsPath path, byte[] content) {
        put(owner, path, content);
        lent.put(key(owner, path), true);
    }

    /** A file of {@code length} bytes generated as it is read, for transfers a client abandons. */
    void putEndless(String owner, DfsPath path, long length) {
        endless.put(key(owner, path), length);
    }

    List<Open> opens() {
        return opens;
    }

    /** Streams opened and not yet closed. */
    int openStreams() {
        return openStreams.get();
    }

    @Override
    public InputStream open(String owner, DfsPath path, long offset) throws IOException {
        opens.add(new Open(owner, path, offset));
        byte[] content = files.get(key(owner, path));
        InputStream in;
        if (content != null) {
            int from = (int) Math.min(offset, content.length);
            in = new ByteArrayInputStream(content, from, content.length - from);
        } else if (endless.containsKey(key(owner, path))) {
            in = new Generated(Math.max(0, endless.get(key(owner, path)) - offset));
        } else {
            throw new IOException(owner + " has no " + path);
        }
        openStreams.incrementAndGet();
        if (lent.containsKey(key(owner, path))) {
            return new Lent(in);
        }
        return new Counted(in);
    }

    /** A stream counted as open until it is closed. */
    private class Counted extends FilterInputStream {
        private boolean closed;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                openStreams.decrementAndGet();
            }
            super.close();
        }
    }

    /** A stream that also hands out its bytes as direct buffers of at most 10,000 bytes. */
    private final class Lent extends Counted implements ByteBufferSource {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(10_000);

        Lent(InputStream in) {
            super(in);
        }

        @Override
        public ByteBuffer nextBuffer() throws IOException {
            byte[] bytes = in.readNBytes(buffer.capacity());
            if (bytes.length == 0) {
                return null;
            }
            return buffer.clear().put(bytes).flip();
        }
    }

    private static String key(String owner, DfsPath path) {
        return owner + ":" + path;
    }

    /** {@code remaining} bytes of a repeating pattern, made up as they are read. */
    private static final class Generated extends InputStream {
        private long remaining;

        Generated(long remaining) {
            this.remaining = remaining;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return (int) (remaining & 0x7f);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((remaining - i - 1) & 0x7f);
            }
            remaining -= n;
            return n;
        }
    }
}
