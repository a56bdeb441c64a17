package org.dftp.core.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.testing.TreeFixtures;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsNode;
import org.dftp.core.tree.DfsTree;
import org.dftp.core.tree.Offer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class LocalScannerTest {
    private static final long NOW = 1_800_000_000L;

    @TempDir
    Path tmp;

    private Path root() throws IOException {
        return Files.createDirectories(tmp.resolve("root"));
    }

    private static Path write(Path p, int size) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[size]);
    }

    private static LocalScanner.Result scan(Path dir, String mount) throws IOException {
        return new LocalScanner(LocalRoot.of(dir, DfsPath.of(mount)), "ga").scan(NOW);
    }

    private static List<String> paths(LocalScanner.Result r) {
        return TreeFixtures.paths(DfsTree.EMPTY.apply(r.changes()));
    }

    @Test
    void filesNestedDirectoriesAndEmptyDirectoriesAreOffered() throws IOException {
        Path root = root();
        write(root.resolve("a.txt"), 3);
        write(root.resolve("d/e/f.bin"), 1000);
        write(root.resolve("d/g"), 0);
        Files.createDirectories(root.resolve("empty"));

        LocalScanner.Result r = scan(root, "/");
        assertEquals(List.of("/a.txt", "/d/", "/d/e/", "/d/e/f.bin", "/d/g", "/empty/"), paths(r));
        assertEquals(3, r.files());
        DfsTree t = DfsTree.EMPTY.apply(r.changes());
        assertEquals(r.changes().size(), t.size(), "one change per entry");
        DfsNode f = t.lookup(DfsPath.of("/d/e/f.bin"));
        assertEquals(1000, f.size());
        assertEquals("ga", f.owner());
        assertEquals(NOW, f.offer().infoUpdated(), "every offer is announced at the scan's time");
        assertEquals(Files.getLastModifiedTime(root.resolve("d/e/f.bin")).toMillis() / 1000, f.lastModified());
        Offer empty = t.lookup(DfsPath.of("/empty")).offer();
        assertTrue(empty.isDirectory(), "an empty directory is offered explicitly, so it stays listed");
    }

    @Test
    void modeBitsArePosixPermissions() throws IOException {
        Path root = root();
        Path f = write(root.resolve("f"), 1);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Offer o = DfsTree.EMPTY.apply(scan(root, "/").changes()).lookup(DfsPath.of("/f")).offer();
        assertEquals(0640, o.permissions());
        assertFalse(o.isDirectory());
    }

    @Test
    void anEmptyRootScansToNothing() throws IOException {
        LocalScanner.Result r = scan(root(), "/");
        assertEquals(List.of(), r.changes());
        assertEquals(0, r.files());
    }

    @Test
    void theMountPrefixesEveryPathAndIsOfferedItself() throws IOException {
        Path root = root();
        write(root.resolve("d/f"), 1);
        LocalScanner.Result r = scan(root, "x/y");
        assertEquals(List.of("/x/", "/x/y/", "/x/y/d/", "/x/y/d/f"), paths(r));
        assertEquals(1, r.files());
        assertEquals(List.of("/x/", "/x/y/"), paths(scan(Files.createDirectories(tmp.resolve("other")), "x/y")),
                "an empty local tree still shows where it is mounted");
    }

    @Test
    void aSymlinkInsideTheRootIsFollowed() throws IOException {
        Path root = root();
        write(root.resolve("real/inner.txt"), 5);
        write(root.resolve("file.txt"), 7);
        Files.createSymbolicLink(root.resolve("linkdir"), root.resolve("real"));
        Files.createSymbolicLink(root.resolve("linkfile"), Path.of("file.txt")); // relative target
        DfsTree t = DfsTree.EMPTY.apply(scan(root, "/").changes());
        assertEquals(List.of("/file.txt", "/linkdir/", "/linkdir/inner.txt", "/linkfile", "/real/", "/real/inner.txt"),
                TreeFixtures.paths(t));
        assertEquals(7, t.lookup(DfsPath.of("/linkfile")).size(), "a link is offered with its target's size");
    }

    @Test
    void aSymlinkOutsideTheRootIsNotFollowed() throws IOException {
        Path root = root();
        write(tmp.resolve("outside/secret.txt"), 9);
        write(root.resolve("ok.txt"), 1);
        Files.createSymbolicLink(root.resolve("outdir"), tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("outfile"), tmp.resolve("outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("sneaky"), Path.of("../outside/secret.txt"));
        Files.createSymbolicLink(root.resolve("broken"), root.resolve("missing"));
        assertEquals(List.of("/ok.txt"), paths(scan(root, "/")));
    }

    @Test
    void aSymlinkToAnAncestorIsNotFollowed() throws IOException {
        Path root = root();
        write(root.resolve("a/f"), 1);
        Files.createSymbolicLink(root.resolve("a/up"), root);
        Files.createSymbolicLink(root.resolve("a/self"), Path.of("."));
        Files.createSymbolicLink(root.resolve("toroot"), root);
        assertEquals(List.of("/a/", "/a/f"), paths(scan(root, "/")));
    }

    @Test
    void aCycleThroughSeveralSymlinksEnds() throws IOException {
        // a/to-b -> b and b/to-a -> a: no link points at its own ancestor, yet following both loops.
        Path root = root();
        write(root.resolve("a/fa"), 1);
        write(root.resolve("b/fb"), 1);
        Files.createSymbolicLink(root.resolve("a/to-b"), root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b/to-a"), root.resolve("a"));
        List<String> paths = paths(scan(root, "/"));
        // Each link is followed once from the other side, and stops where it would come back.
        assertEquals(List.of("/a/", "/a/fa", "/a/to-b/", "/a/to-b/fb", "/b/", "/b/fb", "/b/to-a/", "/b/to-a/fa"),
                paths);
    }

    @Test
    void anUnreadableDirectoryIsSkippedAndTheScanGoesOn() throws IOException {
        Path root = root();
        write(root.resolve("ok/f"), 1);
        Path locked = root.resolve("locked");
        write(locked.resolve("hidden"), 1);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(locked) && Files.isExecutable(locked),
                    "running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop this process from "
                            + "reading the directory, so an unreadable directory cannot be made here");
            LocalScanner.Result r = scan(root, "/");
            List<String> paths = paths(r);
            assertTrue(paths.contains("/ok/f"), paths.toString());
            assertFalse(paths.contains("/locked/hidden"), paths.toString());
            assertEquals(1, r.files());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void namesThatAreNotValidDfsSegmentsAreSkipped() throws IOException {
        Path root = root();
        write(root.resolve("back\\slash"), 1);
        write(root.resolve("new\nline"), 1);
        write(root.resolve("ünï 日本.txt"), 1);
        assertEquals(List.of("/ünï 日本.txt"), paths(scan(root, "/")));
    }

    @Test
    void aWideAndDeepTreeIsCountedExactly() throws IOException {
        Path root = root();
        int files = 0;
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 15; f++) {
                write(root.resolve("d" + d + "/sub/f" + f), f);
                files++;
            }
        }
        LocalScanner.Result r = scan(root, "/");
        assertEquals(files, r.files());
        assertEquals(files + 40, DfsTree.EMPTY.apply(r.changes()).size());
    }

    @Test
    void scanSubtreeOffersTheDirectoryAndItsContent() throws IOException {
        Path root = root();
        write(root.resolve("d/e/f"), 4);
        write(root.resolve("other"), 1);
        LocalScanner s = new LocalScanner(LocalRoot.of(root, DfsPath.of("m")), "ga");
        List<String> paths = new ArrayList<>();
        for (Change c : s.scanSubtree(DfsPath.of("/m/d"), NOW)) {
            paths.add(c.path() + (c.offer().isDirectory() ? "/" : ""));
        }
        paths.sort(null);
        assertEquals(List.of("/m/d/", "/m/d/e/", "/m/d/e/f"), paths);
        assertEquals(List.of(), s.scanSubtree(DfsPath.of("/elsewhere"), NOW), "outside the mount");
    }

    @Test
    void theMountedScanAgreesWithLocalRootMapping() throws IOException {
        Path root = root();
        write(root.resolve("d/f"), 4);
        LocalRoot lr = LocalRoot.of(root, DfsPath.of("/x"));
        for (Change c : new LocalScanner(lr, "ga").scan(NOW).changes()) {
            Path local = lr.map(c.path());
            if (c.path().depth() > 1) {
                assertTrue(Files.exists(local), local.toString());
                assertEquals(c.path(), lr.toDfs(local));
            }
        }
        assertNull(lr.map(DfsPath.of("/y/d/f")));
    }

    @Test
    void theScanReadsAttributesDirectlyWhereTheJvmAllowsIt() {
        assertTrue(DirectStat.AVAILABLE, "the build opens java.base/sun.nio.fs to the tests, as dftp.jar's manifest"
                + " does for a node: the fast path is the one under test");
    }

    /** Both ways of reading attributes give the same offers, entry by entry, for every kind of entry. */
    @Test
    void directAndPublicApiReadsAgree() throws IOException {
        Path root = root();
        write(root.resolve("plain"), 7);
        Files.setPosixFilePermissions(write(root.resolve("private"), 3), PosixFilePermissions.fromString("rw-------"));
        write(root.resolve("dir/inner.bin"), 4096);
        Files.setPosixFilePermissions(Files.createDirectories(root.resolve("locked-down")),
                PosixFilePermissions.fromString("rwx--x--x"));
        write(root.resolve("Grüße/日本.txt"), 12);
        Path old = write(root.resolve("old"), 1);
        // touch(1): the JDK's setLastModifiedTime clamps times before 1970 to 0 here.
        boolean madeOld = run("touch", "-d", "1969-12-31 23:59:58.5 UTC", old.toString());
        Path older = write(root.resolve("older"), 1); // a fraction of a second below one millisecond
        boolean madeOlder = run("touch", "-d", "@-4.9999995", older.toString());
        Path recent = write(root.resolve("recent"), 1);
        Files.setLastModifiedTime(recent, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2031-05-06T07:08:09.999Z")));
        Files.createSymbolicLink(root.resolve("link-to-plain"), root.resolve("plain"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), root.resolve("dir"));
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));
        Path fifo = root.resolve("fifo");
        boolean madeFifo = run("mkfifo", fifo.toString());

        LocalRoot lr = LocalRoot.of(root, DfsPath.ROOT);
        List<Change> direct = new LocalScanner(lr, "ga", dir -> { }, true).scan(NOW).changes();
        List<Change> portable = new LocalScanner(lr, "ga", dir -> { }, false).scan(NOW).changes();
        assertEquals(portable.size(), direct.size(), "entries");
        for (int i = 0; i < direct.size(); i++) {
            Change d = direct.get(i);
            Change p = portable.get(i);
            assertEquals(p.path(), d.path());
            assertTrue(p.offer().sameAs(d.offer()), d.path() + ": " + d.offer() + " vs " + p.offer());
        }
        DfsTree t = DfsTree.EMPTY.apply(direct);
        if (madeOld) {
            assertEquals(-1500, Files.getLastModifiedTime(old).toMillis());
            assertEquals(-1, t.lookup(DfsPath.of("/old")).lastModified(), "FileTime.toMillis() / 1000, as before");
        }
        if (madeOlder) {
            assertEquals(Files.getLastModifiedTime(older).toMillis() / 1000, t.lookup(DfsPath.of("/older")).lastModified());
            assertEquals(-4, t.lookup(DfsPath.of("/older")).lastModified());
        }
        assertEquals(0600, t.lookup(DfsPath.of("/private")).offer().permissions());
        assertEquals(0711, t.lookup(DfsPath.of("/locked-down")).offer().permissions());
        assertEquals(7, t.lookup(DfsPath.of("/link-to-plain")).size(), "a link is offered with its target's attributes");
        assertEquals(4096, t.lookup(DfsPath.of("/link-to-dir/inner.bin")).size());
        assertNull(t.lookup(DfsPath.of("/dangling")));
        assertEquals(12, t.lookup(DfsPath.of("/Grüße/日本.txt")).size());
        if (madeFifo) {
            assertNull(t.lookup(DfsPath.of("/fifo")), "neither a file nor a directory");
        }
    }

    private static boolean run(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start().onExit().join().exitValue() == 0;
    }

    /** Makes {@code dir/name} with the shell, the name given as printf(1) octal escapes: bytes Java cannot spell. */
    private static boolean shellWrite(Path dir, String printfName, String content) throws IOException {
        return run("sh", "-c", "printf '%s' \"$2\" > \"$1/$(printf '" + printfName + "')\"", "sh", dir.toString(), content);
    }

    @Test
    void namesThatAreNotUtf8AreOfferedEscapedAndCountedInOneLine() throws IOException {
        Path root = root();
        write(root.resolve("a\uFFFD"), 2); // a valid name: what the JDK decodes the one below to
        assumeTrue(shellWrite(root, "a\\377", "x"), "sh and printf make a name that is not valid UTF-8");
        assumeTrue(shellWrite(Files.createDirectories(root.resolve("d")), "caf\\351.txt", "hello"), "printf");
        assumeTrue(shellWrite(root, "\\351t\\351", "bye"), "printf");
        assumeTrue(run("sh", "-c", "mkdir \"$1/$(printf 'e\\377')\" && printf abc > \"$1/$(printf 'e\\377')/in\"", "sh",
                root.toString()), "printf");
        write(root.resolve("q\u201Bq"), 4); // the escape character itself, doubled in the DFS
        write(root.resolve("b"), 1);

        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LocalScanner.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(logged);
        try {
            LocalRoot lr = LocalRoot.of(root, DfsPath.ROOT);
            for (boolean direct : new boolean[] {true, false}) {
                logged.list.clear();
                LocalScanner.Result r = new LocalScanner(lr, "ga", dir -> { }, direct).scan(NOW);
                assertEquals(List.of("/a\u201BFF", "/a\uFFFD", "/b", "/d/", "/d/caf\u201BE9.txt", "/e\u201BFF/", "/e\u201BFF/in", "/q\u201B\u201Bq",
                        "/\u201BE9t\u201BE9"), paths(r), "direct=" + direct);
                DfsTree t = DfsTree.EMPTY.apply(r.changes());
                assertEquals(5, t.lookup(DfsPath.of("/d/caf\u201BE9.txt")).size());
                assertEquals(3, t.lookup(DfsPath.of("/\u201BE9t\u201BE9")).size());
                assertEquals(4, t.lookup(DfsPath.of("/q\u201B\u201Bq")).size());
                assertEquals(3, t.lookup(DfsPath.of("/e\u201BFF/in")).size());
                List<String> lines = logged.list.stream().map(e -> e.getFormattedMessage())
                        .filter(m -> m.contains("UTF-8")).toList();
                assertEquals(1, lines.size(), "one line for the scan: " + lines);
                assertTrue(lines.get(0).startsWith("Scanner: 4 name(s) are not valid UTF-8"), lines.get(0));
            }
            // and back: the DFS name opens the very file
            assertEquals("hello", Files.readString(lr.file(DfsPath.of("/d/caf\u201BE9.txt")).path()));
            try (var in = RegularFiles.openRead(lr.file(DfsPath.of("/\u201BE9t\u201BE9")))) {
                assertEquals(3, in.size());
            }
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(level);
        }
    }

    @Test
    void namesAreSortedAsStrings() {
        java.util.Random random = new java.util.Random(42);
        for (int n : new int[] {0, 1, 2, 15, 16, 17, 31, 33, 500, 1000, 4097}) {
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = "f" + random.nextInt(n + 1) + (random.nextBoolean() ? "ü" : "");
            }
            String[] expected = names.clone();
            java.util.Arrays.sort(expected);
            LocalScanner.sortNames(names);
            assertEquals(List.of(expected), List.of(names), n + " names");
        }
    }

    @Test
    void logLinesShowControlCharactersEscaped() {
        assertEquals("/r/new\\x0aline\\x1b[31m", LocalScanner.printable(Path.of("/r/new\nline\u001b[31m")));
        assertEquals("/r/plain ü", LocalScanner.printable("/r/plain ü"));
    }
}
