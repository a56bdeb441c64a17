package org.dftp.it.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node B's disk changes and node A, another process, shows each change within 2 s: in {@code /find/}, in
 * its listings, and in what it downloads (proxied from B). Files and directories are created, modified,
 * deleted and renamed; whole subtrees are moved in, renamed and removed at once.
 */
@Timeout(120)
class DiskChangesTest {
    private static final Duration WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    private NodeProcess a;
    private NodeProcess b;

    @BeforeEach
    void start() throws Exception {
        Path rootA = Files.createDirectories(tmp.resolve("a"));
        Path rootB = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(rootA.resolve("a.txt"), "from a");
        Files.writeString(rootB.resolve("b.txt"), "from b");
        Path logs = NodeProcess.logDir(getClass());
        a = NodeProcess.local("a", rootA, logs).launch();
        b = NodeProcess.local("b", rootB, logs).launch();
        a.awaitUp();
        b.awaitUp();
        a.join(b);
        NodeProcess.await("a has b's tree", Duration.ofSeconds(10), () -> a.answersFind(f -> f.contains("/b.txt")));
    }

    @AfterEach
    void stop() {
        for (NodeProcess n : new NodeProcess[] {a, b}) {
            if (n != null) {
                n.close();
                assertFalse(n.log().contains("LEAK:"), n.name + " leaked a buffer:\n" + n.log());
            }
        }
    }

    private void shows(String what, String... paths) {
        NodeProcess.await("a's /find/ shows " + what, WITHIN, () -> a.answersFind(f -> f.containsAll(Set.of(paths))));
    }

    private void lacks(String what, String... paths) {
        NodeProcess.await("a's /find/ no longer shows " + what, WITHIN,
                () -> a.answersFind(f -> Stream.of(paths).noneMatch(f::contains)));
    }

    private String download(String path) throws IOException {
        NodeProcess.Reply r = a.get("/fs" + path);
        assertEquals(200, r.statusCode(), "GET /fs" + path + " through a: " + r.body());
        return r.body();
    }

    /** The row of {@code name} in a's JSON listing of {@code dir}, or null. */
    private String row(String dir, String name) throws IOException {
        NodeProcess.Reply r = a.get("/fs" + dir + "?format=json");
        if (r.statusCode() != 200) {
            return null;
        }
        return r.body().lines().filter(l -> l.contains("\"name\":\"" + name + "\"")).findFirst().orElse(null);
    }

    private void listed(String dir, String name, String expect) {
        NodeProcess.await("a's listing of " + dir + " shows " + name + " with " + expect, WITHIN, () -> {
            try {
                String row = row(dir, name);
                return row != null && row.contains(expect);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void everyChangeOnBsDiskShowsOnAWithinTwoSeconds() throws Exception {
        Path rootB = b.root;

        // create
        Files.writeString(rootB.resolve("new.txt"), "hello");
        shows("a created file", "/new.txt");
        listed("/", "new.txt", "\"owner\":\"b\"");
        assertEquals("hello", download("/new.txt"));

        // modify
        Files.writeString(rootB.resolve("new.txt"), ", world", StandardOpenOption.APPEND);
        listed("/", "new.txt", "\"size\":12");
        assertEquals("hello, world", download("/new.txt"));

        // rename a file
        Files.move(rootB.resolve("new.txt"), rootB.resolve("renamed.txt"));
        shows("a renamed file", "/renamed.txt");
        lacks("a renamed file's old name", "/new.txt");
        assertEquals("hello, world", download("/renamed.txt"));
        assertEquals(404, a.get("/fs/new.txt").statusCode());

        // delete a file
        Files.delete(rootB.resolve("renamed.txt"));
        lacks("a deleted file", "/renamed.txt");
        assertEquals(404, a.get("/fs/renamed.txt").statusCode());

        // create directories
        Files.createDirectories(rootB.resolve("d/e"));
        Files.writeString(rootB.resolve("d/e/x.txt"), "x");
        Files.writeString(rootB.resolve("d/y.txt"), "y");
        shows("new directories and their files", "/d", "/d/e", "/d/e/x.txt", "/d/y.txt");
        listed("/d/", "e", "\"type\":\"directory\"");
        assertEquals("x", download("/d/e/x.txt"));

        // rename a directory: its whole subtree moves
        Files.move(rootB.resolve("d"), rootB.resolve("dd"));
        shows("a renamed directory's subtree", "/dd", "/dd/e", "/dd/e/x.txt", "/dd/y.txt");
        lacks("a renamed directory's old subtree", "/d", "/d/e", "/d/e/x.txt", "/d/y.txt");
        assertEquals("x", download("/dd/e/x.txt"));

        // a subtree moved in from outside the root at once
        Path outside = Files.createDirectories(tmp.resolve("outside/in/deep"));
        Files.writeString(outside.resolve("z.txt"), "z");
        Files.move(tmp.resolve("outside/in"), rootB.resolve("in"));
        shows("a subtree moved in", "/in", "/in/deep", "/in/deep/z.txt");
        assertEquals("z", download("/in/deep/z.txt"));

        // remove whole subtrees
        deleteTree(rootB.resolve("dd"));
        deleteTree(rootB.resolve("in"));
        lacks("removed subtrees", "/dd", "/dd/e", "/dd/e/x.txt", "/dd/y.txt", "/in", "/in/deep", "/in/deep/z.txt");
        assertEquals(404, a.get("/fs/dd/").statusCode());

        assertEquals(Set.of("/a.txt", "/b.txt"), a.find(), "nothing else is left");
        assertFalse(a.log().contains("ERROR"), a.log());
        assertFalse(b.log().contains("ERROR"), b.log());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
