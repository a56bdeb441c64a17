package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalFile;
import org.dftp.core.local.LocalRoot;
import org.dftp.netty.http.OpenFileCache.SharedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFileCacheTest {
    private static final long INACTIVE = 1_000;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();
    private final OpenFileCache cache = new OpenFileCache(2, INACTIVE, clock::get);

    private LocalFile write(String name, String content) throws Exception {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return LocalRoot.of(dir, DfsPath.ROOT).file(DfsPath.of(name));
    }

    private static String read(SharedFile f) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64);
        f.channel().read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void theSameFileIsReadThroughOneChannel() throws Exception {
        LocalFile f = write("a.bin", "first");
        SharedFile one = cache.acquire(f);
        SharedFile two = cache.acquire(LocalRoot.of(dir, DfsPath.ROOT).file(DfsPath.of("a.bin")));
        assertSame(one, two);
        one.release();
        two.release();
        assertTrue(one.isOpen(), "the cache keeps it open for the next response");
        assertEquals("first", read(one));
        assertEquals(1, cache.size());
    }

    @Test
    void aFileReplacedUnderItsNameGetsANewChannelAndTheOldOneClosesWhenItsReaderIsDone() throws Exception {
        SharedFile old = cache.acquire(write("a.bin", "first"));
        SharedFile fresh = cache.acquire(write("a.bin", "second"));
        assertNotSame(old, fresh);
        assertEquals("second", read(fresh));
        assertTrue(old.isOpen(), "a response still reading the old file finishes it");
        assertEquals("first", read(old));
        old.release();
        assertFalse(old.isOpen());
        fresh.release();
        assertTrue(fresh.isOpen());
    }

    @Test
    void aFileChangedInPlaceIsReadAsItIsNow() throws Exception {
        LocalFile f = write("a.bin", "first");
        cache.acquire(f).release();
        Files.writeString(dir.resolve("a.bin"), "FIRST"); // same inode
        SharedFile again = cache.acquire(LocalRoot.of(dir, DfsPath.ROOT).file(DfsPath.of("a.bin")));
        assertEquals("FIRST", read(again));
        again.release();
    }

    @Test
    void unusedChannelsAreClosedByTheSweep() throws Exception {
        SharedFile a = cache.acquire(write("a.bin", "a"));
        a.release();
        clock.addAndGet(INACTIVE / 2);
        assertEquals(1, cache.sweep());
        assertTrue(a.isOpen());
        clock.addAndGet(INACTIVE);
        assertEquals(0, cache.sweep());
        assertFalse(a.isOpen(), "a deleted file's space must not stay pinned by an idle cache");
    }

    @Test
    void aFullCacheMakesRoomWithoutClosingChannelsInUse() throws Exception {
        SharedFile a = cache.acquire(write("a.bin", "a"));
        cache.acquire(write("b.bin", "b")).release();
        SharedFile c = cache.acquire(write("c.bin", "c"));
        assertEquals(2, cache.size());
        assertTrue(a.isOpen(), "still held by its response");
        assertEquals("a", read(a));
        a.release();
        c.release();
        assertTrue(c.isOpen());
    }

    @Test
    void theRealSweeperEmptiesAnIdleCache() throws Exception {
        OpenFileCache real = new OpenFileCache(4, 20_000_000L); // 20 ms
        SharedFile a = real.acquire(write("a.bin", "a"));
        a.release();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (a.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(a.isOpen());
        assertEquals(0, real.size());
    }
}
