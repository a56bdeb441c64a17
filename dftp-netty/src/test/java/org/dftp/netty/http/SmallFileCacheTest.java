package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalFile;
import org.dftp.core.local.LocalRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallFileCacheTest {
    @TempDir
    Path dir;

    private LocalFile write(String name, String content, Instant mtime) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        return LocalRoot.of(dir, DfsPath.ROOT).file(DfsPath.of(name));
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void settledFileIsServedFromTheCacheAndEachHitIsIndependent() throws Exception {
        SmallFileCache cache = new SmallFileCache(10, 1024);
        LocalFile f = write("a.txt", "hello", Instant.now().minusSeconds(3600));
        cache.put(f, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8), now());
        ByteBuf first = cache.get(f);
        ByteBuf second = cache.get(f);
        first.release(); // a response releasing its body must not spoil the next one
        assertEquals("hello", text(second));
    }

    @Test
    void recentlyModifiedFileIsNotCached() throws Exception {
        SmallFileCache cache = new SmallFileCache(10, 1024);
        LocalFile f = write("a.txt", "hello", Instant.now());
        cache.put(f, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8), now());
        assertNull(cache.get(f));
    }

    @Test
    void sameSizeRewriteWithAnotherTimeIsAMiss() throws Exception {
        SmallFileCache cache = new SmallFileCache(10, 1024);
        Instant old = Instant.now().minusSeconds(3600);
        LocalFile v1 = write("a.txt", "hello", old);
        cache.put(v1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8), now());
        LocalFile v2 = write("a.txt", "world", old.plusNanos(1000));
        assertNull(cache.get(v2));
        assertEquals(0, cache.size());
    }

    @Test
    void replacedFileWithAnotherInodeIsAMiss() throws Exception {
        SmallFileCache cache = new SmallFileCache(10, 1024);
        Instant old = Instant.now().minusSeconds(3600);
        LocalFile v1 = write("a.txt", "hello", old);
        cache.put(v1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8), now());
        write("b.txt", "world", old);
        Files.move(dir.resolve("b.txt"), dir.resolve("a.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LocalFile v2 = LocalRoot.of(dir, DfsPath.ROOT).file(DfsPath.of("a.txt"));
        assertNull(cache.get(v2));
    }

    @Test
    void boundsByEntriesAndBytes() throws Exception {
        SmallFileCache cache = new SmallFileCache(3, 12);
        Instant old = Instant.now().minusSeconds(3600);
        for (int i = 0; i < 5; i++) {
            LocalFile f = write("f" + i, "12345", old);
            cache.put(f, Unpooled.copiedBuffer("12345", StandardCharsets.UTF_8), now());
        }
        assertEquals(2, cache.size(), "12 bytes hold two 5-byte files");
        LocalFile last = write("f4", "12345", old);
        assertNotNull(cache.get(last), "the newest entry is kept");
    }
}
