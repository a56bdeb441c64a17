package org.dftp.netty.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.dftp.core.local.LocalFile;

/**
 * Open channels of recently sent files, as nginx's {@code open_file_cache} keeps descriptors: a file sent
 * again costs the {@code lstat} that {@code LocalRoot.file} does anyway, not an open and a close as well.
 *
 * <p>A channel is reused only for the same file: same device and inode as the {@code lstat} that checked
 * the path just now. An open descriptor pins its inode, so the number cannot be reused by another file
 * while it is cached; a file replaced under its name gets a new channel, and its content is read live
 * through the descriptor, so a file changed in place is sent as it is now. Entries not used for
 * {@code inactiveNanos} are closed by a sweep, so a deleted file's space is given back soon after its last
 * download. Each channel is counted: the cache holds one reference and each response another, and the
 * last one out closes it, so eviction never cuts a response short.
 */
final class OpenFileCache {
    private static final ScheduledThreadPoolExecutor SWEEPER = sweeper();

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private final int maxEntries;
    private final long inactiveNanos;
    private final LongSupplier clock;

    OpenFileCache(int maxEntries, long inactiveNanos) {
        this(maxEntries, inactiveNanos, System::nanoTime);
    }

    OpenFileCache(int maxEntries, long inactiveNanos, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.inactiveNanos = inactiveNanos;
        this.clock = clock;
    }

    /** A counted open channel on this file: the caller reads it positionally and releases it once. */
    SharedFile acquire(LocalFile file) throws IOException {
        long now = clock.getAsLong();
        Entry e = entries.get(file.path());
        if (e != null && e.file.fileKey() != null && e.file.fileKey().equals(file.fileKey()) && e.channel.retain()) {
            e.lastUsed = now;
            return e.channel;
        }
        if (e != null) {
            remove(file.path(), e);
        }
        // RegularFiles refuses a symlink or FIFO swapped in since LocalRoot's check, and never blocks.
        SharedFile opened = new SharedFile(org.dftp.core.local.RegularFiles.openRead(file));
        if (file.fileKey() == null) {
            return opened; // nothing to tell versions apart by: never cached
        }
        makeRoom();
        opened.retain(); // the cache's reference
        Entry added = new Entry(file, opened, now);
        Entry old = entries.put(file.path(), added);
        if (old != null) {
            old.channel.release();
        }
        scheduleSweep();
        return opened;
    }

    /** Closes the channels not used for {@code inactiveNanos}; returns how many remain cached. */
    int sweep() {
        long now = clock.getAsLong();
        for (Map.Entry<Path, Entry> e : entries.entrySet()) {
            if (now - e.getValue().lastUsed > inactiveNanos) {
                remove(e.getKey(), e.getValue());
            }
        }
        return entries.size();
    }

    int size() {
        return entries.size();
    }

    private void makeRoom() {
        if (entries.size() < maxEntries) {
            return;
        }
        sweep();
        Iterator<Map.Entry<Path, Entry>> it = entries.entrySet().iterator();
        while (entries.size() >= maxEntries && it.hasNext()) {
            Map.Entry<Path, Entry> victim = it.next();
            remove(victim.getKey(), victim.getValue());
        }
    }

    private void remove(Path path, Entry e) {
        if (entries.remove(path, e)) {
            e.channel.release();
        }
    }

    /** One pending sweep at a time, and none while the cache is empty: an idle node does no work for it. */
    private void scheduleSweep() {
        if (sweepScheduled.compareAndSet(false, true)) {
            long delay = Math.max(1, inactiveNanos / 2);
            SWEEPER.schedule(() -> {
                sweepScheduled.set(false);
                if (sweep() > 0) {
                    scheduleSweep();
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    private static ScheduledThreadPoolExecutor sweeper() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dftp-open-files");
            t.setDaemon(true);
            return t;
        });
        // The thread exists only while some cache has entries to expire.
        s.setKeepAliveTime(30, TimeUnit.SECONDS);
        s.allowCoreThreadTimeOut(true);
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static final class Entry {
        final LocalFile file;
        final SharedFile channel;
        volatile long lastUsed;

        Entry(LocalFile file, SharedFile channel, long lastUsed) {
            this.file = file;
            this.channel = channel;
            this.lastUsed = lastUsed;
        }
    }

    /** An open channel shared by the cache and the responses reading it; closed when the last releases it. */
    static final class SharedFile {
        private final FileChannel channel;
        private final AtomicInteger refs = new AtomicInteger(1);

        SharedFile(FileChannel channel) {
            this.channel = channel;
        }

        FileChannel channel() {
            return channel;
        }

        /** Takes one more reference unless the channel is already closed. */
        boolean retain() {
            for (;;) {
                int n = refs.get();
                if (n == 0) {
                    return false;
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing a read-only descriptor loses nothing
                }
            }
        }

        boolean isOpen() {
            return channel.isOpen();
        }
    }
}
