package org.dftp.core.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.cluster.ClusterState;
import org.dftp.core.cluster.DfsStore;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.local.LocalSync;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes land whole on disk, in the store before they return, once in the announcements, and never outside the root. */
@Timeout(60)
class LocalWritesTest {
    @TempDir
    Path dir;
    @TempDir
    Path outside;

    private final DfsStore store = new DfsStore(ClusterState.initial("dftp", NodeInfo.of("me", "", "")));
    private final List<Change> announced = new CopyOnWriteArrayList<>();
    private LocalSync sync;
    private LocalWrites writes;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/old.txt"), "old content");
        sync = new LocalSync(LocalRoot.of(dir, DfsPath.ROOT), "me", store, Clock.systemUTC(), Duration.ofMillis(30),
                new LocalSync.Listener() {
                    @Override
                    public void changed(List<Change> changes) {
                        announced.addAll(changes);
                    }

                    @Override
                    public void rescanned() {
                    }
                });
        sync.watch();
        sync.scan();
        writes = new LocalWrites(LocalRoot.of(dir, DfsPath.ROOT), sync);
    }

    @AfterEach
    void stop() {
        sync.close();
        store.close();
    }

    private DfsNode at(String p) {
        return store.snapshot().tree().lookup(DfsPath.of(p));
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(LocalRoot::isTemporary).toList();
        }
    }

    @Test
    void anUploadIsInTheStoreAndAnnouncedOnceWhenCommitReturns() throws Exception {
        Upload u = writes.upload(DfsPath.of("docs/new.txt"), 0, Long.MAX_VALUE);
        u.write(bytes("hello "), bytes("world"));
        assertNull(at("docs/new.txt"), "a file being written is not part of the DFS");
        assertFalse(Files.exists(dir.resolve("docs/new.txt")));
        assertEquals(1, leftovers().size());

        assertEquals(WriteResult.CREATED, u.commit());
        assertEquals("hello world", Files.readString(dir.resolve("docs/new.txt")));
        assertNotNull(at("docs/new.txt"), "in the store before commit returns");
        assertEquals(11, at("docs/new.txt").size());
        assertEquals(1, announced.stream().filter(c -> c.path().equals(DfsPath.of("docs/new.txt"))).count());
        assertEquals(List.of(), leftovers());

        Thread.sleep(500); // the watcher's own look at the same change
        assertEquals(1, announced.stream().filter(c -> c.path().equals(DfsPath.of("docs/new.txt"))).count(),
                "the watcher does not announce what the write already announced: " + announced);
    }

    @Test
    void replacingAFileKeepsTheOldContentUntilCommit() throws Exception {
        Upload u = writes.upload(DfsPath.of("docs/old.txt"), 0, Long.MAX_VALUE);
        u.write(bytes("new"));
        assertEquals("old content", Files.readString(dir.resolve("docs/old.txt")));
        assertEquals(WriteResult.REPLACED, u.commit());
        assertEquals("new", Files.readString(dir.resolve("docs/old.txt")));
        assertEquals(3, at("docs/old.txt").size());
    }

    @Test
    void anAbortedUploadLeavesNothing() throws Exception {
        try (Upload u = writes.upload(DfsPath.of("docs/cut.txt"), 0, Long.MAX_VALUE)) {
            u.write(bytes("half"));
        }
        assertFalse(Files.exists(dir.resolve("docs/cut.txt")));
        assertEquals(List.of(), leftovers());
        assertNull(at("docs/cut.txt"));
    }

    @Test
    void anUploadPastItsLimitIsCutAndLeavesNothing() throws Exception {
        Upload u = writes.upload(DfsPath.of("docs/big.txt"), 0, 4);
        WriteException e = assertThrows(WriteException.class, () -> u.write(bytes("12345")));
        assertEquals(WriteException.Kind.TOO_LARGE, e.kind());
        assertEquals(List.of(), leftovers());
        assertFalse(Files.exists(dir.resolve("docs/big.txt")));
    }

    @Test
    void aResumedUploadKeepsTheStartOfTheFile() throws Exception {
        Upload u = writes.upload(DfsPath.of("docs/old.txt"), 4, Long.MAX_VALUE);
        assertEquals(4, u.size());
        u.write(bytes("tail"));
        u.commit();
        assertEquals("old tail", Files.readString(dir.resolve("docs/old.txt")));
        WriteException e = assertThrows(WriteException.class,
                () -> writes.upload(DfsPath.of("docs/old.txt"), 100, Long.MAX_VALUE));
        assertEquals(WriteException.Kind.CONFLICT, e.kind());
    }

    @Test
    void concurrentUploadsOfOnePathEndAsOneOfThemWhole() throws Exception {
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<byte[]> contents = new ArrayList<>();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] content = new byte[200_000 + i];
            java.util.Arrays.fill(content, (byte) ('a' + i));
            contents.add(content);
            done.add(pool.submit(() -> {
                Upload u = writes.upload(DfsPath.of("docs/race.bin"), 0, Long.MAX_VALUE);
                for (int off = 0; off < content.length; off += 8192) {
                    u.write(ByteBuffer.wrap(content, off, Math.min(8192, content.length - off)));
                }
                return u.commit();
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        byte[] got = Files.readAllBytes(dir.resolve("docs/race.bin"));
        assertTrue(contents.stream().anyMatch(c -> java.util.Arrays.equals(c, got)), "one upload's bytes, whole");
        assertEquals(List.of(), leftovers());
        assertEquals(got.length, at("docs/race.bin").size());
    }

    @Test
    void aMissingParentIsAConflictAndWritesNothing() {
        WriteException e = assertThrows(WriteException.class,
                () -> writes.upload(DfsPath.of("nowhere/x.txt"), 0, Long.MAX_VALUE));
        assertEquals(WriteException.Kind.CONFLICT, e.kind());
        e = assertThrows(WriteException.class, () -> writes.mkdir(DfsPath.of("a/b")));
        assertEquals(WriteException.Kind.CONFLICT, e.kind());
        e = assertThrows(WriteException.class, () -> writes.upload(DfsPath.of("docs/old.txt/x"), 0, 10));
        assertEquals(WriteException.Kind.CONFLICT, e.kind());
    }

    @Test
    void temporaryNamesAreReserved() {
        WriteException e = assertThrows(WriteException.class,
                () -> writes.upload(DfsPath.of("docs/" + LocalRoot.TEMP_PREFIX + "x"), 0, 10));
        assertEquals(WriteException.Kind.BAD_NAME, e.kind());
    }

    @Test
    void aSymlinkOutOfTheRootIsNeverWrittenThrough() throws Exception {
        Files.createSymbolicLink(dir.resolve("escape"), outside);
        WriteException e = assertThrows(WriteException.class,
                () -> writes.upload(DfsPath.of("escape/evil.txt"), 0, 10));
        assertEquals(WriteException.Kind.FORBIDDEN, e.kind());
        assertThrows(WriteException.class, () -> writes.mkdir(DfsPath.of("escape/d")));
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void deletingALinkRemovesTheLinkNotItsTarget() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep me");
        Files.createDirectories(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("d/link"), outside);
        writes.delete(DfsPath.of("d"));
        assertFalse(Files.exists(dir.resolve("d")));
        assertEquals("keep me", Files.readString(victim));
    }

    @Test
    void mkdirDeleteMoveAndCopyChangeDiskAndStoreAlike() throws Exception {
        writes.mkdir(DfsPath.of("docs/sub"));
        assertTrue(at("docs/sub").isDirectory());
        Upload u = writes.upload(DfsPath.of("docs/sub/a.txt"), 0, Long.MAX_VALUE);
        u.write(bytes("a"));
        u.commit();

        assertEquals(WriteResult.CREATED, writes.copy(DfsPath.of("docs"), DfsPath.of("copy"), false, true, Long.MAX_VALUE));
        assertEquals("a", Files.readString(dir.resolve("copy/sub/a.txt")));
        assertNotNull(at("copy/sub/a.txt"));
        assertEquals("old content", Files.readString(dir.resolve("copy/old.txt")));

        WriteException e = assertThrows(WriteException.class,
                () -> writes.move(DfsPath.of("copy"), DfsPath.of("docs"), false));
        assertEquals(WriteException.Kind.EXISTS, e.kind());
        assertEquals(WriteResult.CREATED, writes.move(DfsPath.of("copy"), DfsPath.of("moved"), false));
        assertNull(at("copy/sub/a.txt"));
        assertNull(at("copy"));
        assertNotNull(at("moved/sub/a.txt"));

        assertEquals(WriteResult.REPLACED, writes.move(DfsPath.of("moved/old.txt"), DfsPath.of("docs/old.txt"), true));
        writes.delete(DfsPath.of("moved"));
        assertNull(at("moved"));
        assertNull(at("moved/sub/a.txt"));
        assertFalse(Files.exists(dir.resolve("moved")));

        e = assertThrows(WriteException.class, () -> writes.move(DfsPath.of("docs"), DfsPath.of("docs/sub/x"), false));
        assertEquals(WriteException.Kind.FORBIDDEN, e.kind());
        e = assertThrows(WriteException.class, () -> writes.delete(DfsPath.of("gone")));
        assertEquals(WriteException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void aMoveOrCopyOntoADirectoryHoldingTheSourceIsRefusedAndLosesNothing() throws Exception {
        for (boolean overwrite : new boolean[] {true, false}) {
            WriteException e = assertThrows(WriteException.class,
                    () -> writes.move(DfsPath.of("docs/old.txt"), DfsPath.of("docs"), overwrite));
            assertEquals(WriteException.Kind.FORBIDDEN, e.kind());
            e = assertThrows(WriteException.class,
                    () -> writes.copy(DfsPath.of("docs/old.txt"), DfsPath.of("docs"), overwrite, true, Long.MAX_VALUE));
            assertEquals(WriteException.Kind.FORBIDDEN, e.kind());
        }
        assertEquals("old content", Files.readString(dir.resolve("docs/old.txt")));
        assertNotNull(at("docs/old.txt"));
    }

    @Test
    void theModificationTimeCanBeSet() throws Exception {
        writes.setModified(DfsPath.of("docs/old.txt"), 1_000_000_000_000L);
        assertEquals(1_000_000_000L, at("docs/old.txt").lastModified());
        assertArrayEquals("old content".getBytes(), Files.readAllBytes(dir.resolve("docs/old.txt")));
    }
}
