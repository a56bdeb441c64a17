package org.dftp.core.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.dftp.core.DfsPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file being written: the bytes go into a temporary file beside the target (hidden from the DFS, see
 * {@code LocalRoot.TEMP_PREFIX}), and only {@link #commit} makes them the target, with {@code fsync} and an
 * atomic rename. A reader sees the old file or the new one, never a part; an upload that is cut off ends in
 * {@link #abort}, which leaves nothing. Of several uploads to one path the last commit wins whole.
 *
 * <p>Not thread-safe: one thread at a time writes (the HTTP layer hands every piece of one upload to the
 * same writer thread, FTP writes from its session's thread). All methods block on the disk.
 */
public final class Upload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upload.class);

    private final LocalWrites writes;
    private final DfsPath path;
    /** The target's name in its directory, held open from {@link LocalWrites#upload} until the upload ends. */
    private final Place target;
    /** The temporary file's name in that directory. */
    private final String temp;
    private final long limit;
    private final boolean existed;
    private FileChannel channel;
    private long written;
    /** Bytes written since the last early writeback began. */
    private long unsynced;
    private final java.util.concurrent.atomic.AtomicBoolean syncing = new java.util.concurrent.atomic.AtomicBoolean();

    /** How many bytes an upload writes between two early writebacks. */
    static final long WRITEBACK_BYTES = 8L * 1024 * 1024;
    /** The threads that wait for the disk on behalf of uploads; each upload has at most one job queued. */
    private static final java.util.concurrent.ExecutorService WRITEBACK = writeback();

    private static java.util.concurrent.ExecutorService writeback() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "dftp-writeback-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
    private boolean done;

    Upload(LocalWrites writes, DfsPath path, Place target, String temp, FileChannel channel, long limit,
           boolean existed) {
        this.writes = writes;
        this.path = path;
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.limit = limit;
        this.existed = existed;
        this.written = position(channel);
    }

    private static long position(FileChannel channel) {
        try {
            return channel.position();
        } catch (IOException e) {
            return 0;
        }
    }

    public DfsPath path() {
        return path;
    }

    /** Bytes in the new file so far, including any kept from the old one. */
    public long size() {
        return written;
    }

    /**
     * Appends {@code buffers} whole (a gathering write, repeated until nothing remains).
     *
     * @throws WriteException {@link WriteException.Kind#TOO_LARGE} past the limit, {@code NO_SPACE} when the
     *                        disk is full; the upload is then aborted
     */
    public void write(ByteBuffer... buffers) throws WriteException {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        if (written + n > limit) {
            abort();
            throw new WriteException(WriteException.Kind.TOO_LARGE,
                    "`" + path + "` is larger than the upload limit of " + limit + " bytes");
        }
        try {
            long left = n;
            while (left > 0) {
                left -= channel.write(buffers);
            }
            written += n;
        } catch (IOException e) {
            abort();
            throw WriteException.of(e, path);
        }
        unsynced += n;
        if (unsynced >= WRITEBACK_BYTES && !syncing.get()) {
            unsynced = 0;
            startWriteback();
        }
    }

    /**
     * Starts the disk on what is written so far, on a thread of its own ({@code fdatasync} of the temp
     * file), while this thread goes on writing: by the commit's {@code fsync} little is left to wait for.
     * Without it the whole file waits in the page cache until then, and a GiB upload spends a second or
     * more in that one call. At most one per upload at a time.
     */
    private void startWriteback() {
        FileChannel ch = channel;
        syncing.set(true);
        try {
            WRITEBACK.execute(() -> {
                try {
                    ch.force(false);
                } catch (IOException e) {
                    // Closed by a commit or an abort meanwhile: the commit's own fsync is what counts.
                } finally {
                    syncing.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            syncing.set(false);
        }
    }

    /** Appends the given buffers; see {@link #write(ByteBuffer...)}. */
    public void write(List<ByteBuffer> buffers) throws WriteException {
        write(buffers.toArray(new ByteBuffer[0]));
    }

    /**
     * Makes the written bytes the target: {@code fsync}, rename over the target, {@code fsync} of the
     * directory, then the change goes into the store and to every peer before this returns.
     */
    public WriteResult commit() throws WriteException {
        if (done) {
            throw new IllegalStateException("upload of " + path + " already ended");
        }
        try {
            channel.force(true);
            channel.close();
            // rename(2) in the held directory: the name it replaces, a link included, is replaced, never followed.
            Files.move(target.dir().resolve(temp), target.path(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } catch (IOException e) {
            abort();
            throw WriteException.of(e, path);
        }
        try {
            LocalWrites.syncDirectory(target.dir().dir());
        } finally {
            target.close();
        }
        writes.settle(List.of(target.real()));
        return existed ? WriteResult.REPLACED : WriteResult.CREATED;
    }

    /** Drops what was written; the target stays as it was. Safe to call again and after {@link #commit}. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("Write: closing the temporary file of {} failed: {}", path, e.toString());
        }
        try {
            Files.deleteIfExists(target.dir().resolve(temp));
        } catch (IOException e) {
            log.warn("Write: cannot remove the temporary file of {}: {}", path, e.toString());
        } finally {
            target.close();
        }
    }

    /** Aborts unless committed: try-with-resources leaves nothing behind on any failure. */
    @Override
    public void close() {
        abort();
    }
}
