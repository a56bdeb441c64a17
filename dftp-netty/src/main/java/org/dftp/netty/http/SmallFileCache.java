package org.dftp.netty.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dftp.core.local.LocalFile;

/**
 * The content of small, settled files, so that serving one costs the {@code lstat} that
 * {@code LocalRoot.file} does anyway instead of an open, a read and a close.
 *
 * <p>An entry is used only while the file still has the same inode, size and modification time to the
 * nanosecond. Files modified less than {@link #SETTLE_NANOS} ago are never cached: file systems stamp
 * times at a coarse tick, so two writes within one tick could leave the same stamp on different content
 * (git's "racy timestamp" rule). Bounded by entry count and total bytes; when full, arbitrary entries make
 * room, which is all a cache of hot small files needs.
 */
final class SmallFileCache {
    static final long SETTLE_NANOS = 2_000_000_000L;

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final int maxEntries;
    private final long maxBytes;

    SmallFileCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached content of this version of the file, as a buffer of the caller's own, or null. */
    ByteBuf get(LocalFile file) {
        Entry e = entries.get(file.path());
        if (e == null) {
            return null;
        }
        if (!e.file.sameVersionAs(file)) {
            remove(file.path(), e);
            return null;
        }
        // A fresh wrapper per response: its release frees nothing the next response needs.
        return Unpooled.wrappedBuffer(e.content);
    }

    /** Keeps a copy of {@code content} (whole file, readable bytes untouched) if the file has settled. */
    void put(LocalFile file, ByteBuf content, long nowNanos) {
        if (nowNanos - file.modifiedNanos() < SETTLE_NANOS || content.readableBytes() != file.size()) {
            return;
        }
        int size = content.readableBytes();
        while (entries.size() >= maxEntries || bytes.get() + size > maxBytes) {
            Iterator<java.util.Map.Entry<Path, Entry>> it = entries.entrySet().iterator();
            if (!it.hasNext()) {
                return;
            }
            var victim = it.next();
            remove(victim.getKey(), victim.getValue());
        }
        byte[] copy = new byte[size];
        content.getBytes(content.readerIndex(), copy);
        Entry old = entries.put(file.path(), new Entry(file, copy));
        bytes.addAndGet(size - (old == null ? 0 : old.content.length));
    }

    private void remove(Path path, Entry e) {
        if (entries.remove(path, e)) {
            bytes.addAndGet(-e.content.length);
        }
    }

    int size() {
        return entries.size();
    }

    /** The content is never written after it is cached, and never handed out but wrapped. */
    private record Entry(LocalFile file, byte[] content) {
    }
}
