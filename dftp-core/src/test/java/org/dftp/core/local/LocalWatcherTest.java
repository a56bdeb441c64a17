package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watcher keeps a tree equal to the disk: every change on disk shows up as offers within moments. */
@Timeout(30)
class LocalWatcherTest {
    @TempDir
    Path dir;

    private final AtomicReference<DfsTree> tree = new AtomicReference<>(DfsTree.EMPTY);
    private final AtomicInteger batches = new AtomicInteger();
    private LocalWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("old/deep"));
        Files.writeString(dir.resolve("old/deep/x.txt"), "x");
        Files.writeString(dir.resolve("keep.txt"), "keep");
        LocalRoot root = LocalRoot.of(dir, DfsPath.ROOT);
        tree.set(DfsTree.EMPTY.replaceOwner("me", new LocalScanner(root, "me").scan(1).changes()));
        watcher = new LocalWatcher(root, "me", tree::get, this::apply, () -> 2, Duration.ofMillis(100)).start();
    }

    private synchronized void apply(List<Change> changes) {
        tree.set(tree.get().apply(changes));
        batches.incrementAndGet();
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    private DfsNode at(String p) {
        return tree.get().lookup(DfsPath.of(p));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            Thread.sleep(20);
        }
    }

    /**
     * Writers that settle while another's settle holds the lock wait for it, then go out as one batch
     * (one publication, one push to the peers) instead of one each; every caller returns with its file
     * in the tree.
     */
    @Test
    void settlesThatWaitForOneAnotherGoOutAsOneBatch() throws Exception {
        LocalRoot root = LocalRoot.of(dir, DfsPath.ROOT);
        java.util.concurrent.CountDownLatch firstInSink = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        LocalWatcher w = new LocalWatcher(root, "me", tree::get, changes -> {
            sizes.add(changes.size());
            firstInSink.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            apply(changes);
        }, () -> 2, Duration.ofMillis(100));
        int writers = 8;
        for (int i = 0; i <= writers; i++) {
            Files.writeString(dir.resolve("up" + i + ".bin"), "x".repeat(i + 1));
        }
        Thread first = new Thread(() -> w.flush(List.of(dir.resolve("up0.bin"))));
        first.start();
        assertTrue(firstInSink.await(10, java.util.concurrent.TimeUnit.SECONDS));
        List<Thread> waiting = new java.util.ArrayList<>();
        for (int i = 1; i <= writers; i++) {
            Path p = dir.resolve("up" + i + ".bin");
            Thread t = new Thread(() -> w.flush(List.of(p)));
            t.start();
            waiting.add(t);
        }
        await(() -> waiting.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED));
        release.countDown();
        first.join(10_000);
        for (Thread t : waiting) {
            t.join(10_000);
        }
        assertEquals(List.of(1, writers), sizes, "the first settle alone, then every waiting one in one batch");
        for (int i = 0; i <= writers; i++) {
            assertEquals(i + 1, at("up" + i + ".bin").size());
        }
    }

    @Test
    void createdFileAppears() throws Exception {
        Files.writeString(dir.resolve("new.txt"), "hello");
        await(() -> at("new.txt") != null);
        assertEquals(5, at("new.txt").size());
    }

    @Test
    void aNameThatIsNotUtf8AppearsEscapedAndGoesAway() throws Exception {
        // made by the shell, not by the code under test: bytes E9 and FF that no UTF-8 string spells
        Process p = new ProcessBuilder("sh", "-c", "printf hello > \"$1/$(printf 'caf\\351')\"; mkdir \"$1/$(printf 'd\\377')\""
                + " && printf x > \"$1/$(printf 'd\\377/in')\"", "sh", dir.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "sh and printf make names that are not UTF-8");
        await(() -> at("caf\u201BE9") != null && at("d\u201BFF/in") != null);
        assertEquals(5, at("caf\u201BE9").size());
        new ProcessBuilder("sh", "-c", "rm \"$1/$(printf 'caf\\351')\"", "sh", dir.toString()).start().waitFor();
        await(() -> at("caf\u201BE9") == null);
        assertEquals(1, at("d\u201BFF/in").size());
    }

    @Test
    void modifiedFileUpdatesSize() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "longer content");
        await(() -> at("keep.txt").size() == 14);
    }

    @Test
    void deletedFileIsWithdrawn() throws Exception {
        Files.delete(dir.resolve("keep.txt"));
        await(() -> at("keep.txt") == null);
    }

    @Test
    void newDirectoryTreeAppearsAndIsWatched() throws Exception {
        Files.createDirectories(dir.resolve("a/b/c"));
        Files.writeString(dir.resolve("a/b/c/f.txt"), "f");
        await(() -> at("a/b/c/f.txt") != null);
        Files.writeString(dir.resolve("a/b/c/g.txt"), "g");
        await(() -> at("a/b/c/g.txt") != null);
    }

    @Test
    void renamedDirectoryMovesItsWholeSubtree() throws Exception {
        Files.move(dir.resolve("old"), dir.resolve("renamed"));
        await(() -> at("renamed/deep/x.txt") != null && at("old") == null);
        assertNull(at("old/deep/x.txt"));
    }

    @Test
    void removedSubtreeIsWithdrawnWhole() throws Exception {
        Files.delete(dir.resolve("old/deep/x.txt"));
        Files.delete(dir.resolve("old/deep"));
        Files.delete(dir.resolve("old"));
        await(() -> at("old") == null);
        assertNotNull(at("keep.txt"));
    }

    @Test
    void burstOfWritesIsCoalescedIntoFewBatches() throws Exception {
        int before = batches.get();
        for (int i = 0; i < 200; i++) {
            Files.writeString(dir.resolve("burst-" + i + ".txt"), "b" + i);
        }
        await(() -> tree.get().size() == 4 + 200);
        assertTrue(batches.get() - before <= 5, "200 files in " + (batches.get() - before) + " batches");
    }

    @Test
    void aDiskThatNeverGoesQuietStillHasItsChangesFlushed() throws Exception {
        // A write every 30 ms keeps the 100 ms quiet period from ever running out; the batch must go anyway.
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        boolean seenWhileBusy = false;
        for (int i = 0; System.nanoTime() < deadline && !seenWhileBusy; i++) {
            Files.writeString(dir.resolve("stream-" + i + ".txt"), "s" + i);
            Thread.sleep(30);
            seenWhileBusy = at("stream-0.txt") != null;
        }
        assertTrue(seenWhileBusy, "the first file of a busy stream appeared before the stream ended");
    }
}
