package org.dftp.core.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who can write inside the dfsroot swaps a directory on the way to a write's target for a symlink to
 * an outside directory, over and over, while writes run: no write, deletion, rename or time change ever
 * reaches outside the root. Each operation checks its path by name first, so every one of them used to
 * reach outside within a few hundred tries; now each works in the directory held by a walk from the root.
 */
@Timeout(60)
class WriteRaceTest {
    private static final long RUN_NANOS = 3_000_000_000L;
    private static final FileTime PLANTED = FileTime.fromMillis(1_000_000_000_000L);

    @TempDir
    Path base;
    private Path root;
    private Path outside;
    private LocalWrites writes;
    private final ReentrantLock swapping = new ReentrantLock();
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(base.resolve("root"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.createDirectories(root.resolve("sub"));
        plant(outside);
        writes = new LocalWrites(LocalRoot.of(root, DfsPath.ROOT), changed -> { });
    }

    /** What each operation aims at, inside the real directory and outside alike. */
    private static void plant(Path dir) throws IOException {
        Path victim = dir.resolve("victim.txt");
        if (!Files.exists(victim)) {
            Files.writeString(victim, "victim");
        }
        Files.setLastModifiedTime(victim, PLANTED);
        Files.createDirectories(dir.resolve("tree/deeper"));
        if (!Files.exists(dir.resolve("tree/deeper/leaf.txt"))) {
            Files.writeString(dir.resolve("tree/deeper/leaf.txt"), "leaf");
        }
    }

    @Test
    void noWriteReachesOutsideWhileADirectoryOnTheWayIsSwappedForASymlink() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        Path sub = root.resolve("sub");
        Path aside = root.resolve("aside");
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                // Between two swaps the directory is back, for the test to plant its targets again.
                swapping.lock();
                try {
                    Files.move(sub, aside, StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(sub, outside);
                    Thread.onSpinWait();
                    Files.delete(sub);
                    Files.move(aside, sub, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                } catch (IOException e) {
                    failure.set(e);
                    return;
                } finally {
                    swapping.unlock();
                }
            }
        }, "swapper");
        swapper.start();
        int tries = 0;
        String escaped = null;
        long end = System.nanoTime() + RUN_NANOS;
        try {
            while (System.nanoTime() < end && escaped == null) {
                tries++;
                attempt(() -> {
                    try (Upload u = writes.upload(DfsPath.of("/sub/new.txt"), 0, 1 << 20)) {
                        u.write(ByteBuffer.wrap("uploaded".getBytes(StandardCharsets.UTF_8)));
                        u.commit();
                    }
                });
                attempt(() -> writes.mkdir(DfsPath.of("/sub/made")));
                attempt(() -> writes.setModified(DfsPath.of("/sub/victim.txt"), 0));
                attempt(() -> writes.delete(DfsPath.of("/sub/victim.txt")));
                attempt(() -> writes.delete(DfsPath.of("/sub/tree")));
                attempt(() -> writes.move(DfsPath.of("/sub/new.txt"), DfsPath.of("/moved.txt"), true));
                attempt(() -> writes.copy(DfsPath.of("/sub/made"), DfsPath.of("/copied"), true, true, 1 << 20));
                escaped = escape();
                // Put back what the writes took from the real directory, while it is in place.
                swapping.lock();
                try {
                    plant(sub);
                } finally {
                    swapping.unlock();
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertEquals(null, failure.get(), "the swapper failed");
        assertEquals(null, escaped, "after " + tries + " tries and " + swaps.get() + " swaps");
        assertTrue(swaps.get() > 100, "the swapper ran: " + swaps.get() + " swaps");
    }

    /** What changed outside the root, or null when nothing did. */
    private String escape() throws IOException {
        Set<String> names;
        try (Stream<Path> all = Files.walk(outside)) {
            names = all.map(p -> outside.relativize(p).toString()).collect(Collectors.toSet());
        }
        Set<String> planted = Set.of("", "victim.txt", "tree", "tree/deeper", "tree/deeper/leaf.txt");
        if (!names.equals(planted)) {
            return "outside now holds " + names.stream().sorted().toList();
        }
        if (!Files.getLastModifiedTime(outside.resolve("victim.txt")).equals(PLANTED)) {
            return "an outside file's time was changed";
        }
        return null;
    }

    private interface Write {
        void run() throws IOException;
    }

    /** A write that finds the directory gone or swapped is refused; only what reaches outside counts. */
    private static void attempt(Write w) {
        try {
            w.run();
        } catch (IOException | IllegalStateException e) {
            // refused: the parent is missing or not a directory at this moment
        }
    }

    @Test
    void theRaceTestCanSeeAnEscape() throws IOException {
        // The detector itself: a file written outside is reported.
        Files.writeString(outside.resolve("planted-by-test.txt"), "x");
        assertEquals(List.of("outside now holds [, planted-by-test.txt, tree, tree/deeper, tree/deeper/leaf.txt, victim.txt]"),
                List.of(String.valueOf(escape())));
    }
}
