package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.local.LocalRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients users upload with: lftp's {@code mirror -R} of a tree with nested directories and odd names
 * lands byte for byte with its times, lftp's {@code put -c} resumes a partial upload, curl uploads and
 * resumes. Each test is skipped where its client is not installed.
 */
@Timeout(120)
class RealClientWritesTest {
    @TempDir
    Path dir;
    @TempDir
    Path etc;
    @TempDir
    Path src;
    private TestDfs dfs;
    private FtpTestServer ftp;
    private String url;

    @BeforeEach
    void start() throws IOException {
        dfs = new TestDfs(dir).local("existing/old.txt", TestDfs.text("old"));
        dfs.rescan();
        FtpWrites writes = new FtpWrites(dfs.writes(), null,
                TestUsers.load(etc, TestUsers.line("writer", "w-secret", "write", null)), new LoginThrottle(), true, 0);
        ftp = FtpTestServer.start(dfs, writes);
        url = "ftp://127.0.0.1:" + ftp.server.port();
    }

    @AfterEach
    void stop() {
        if (ftp != null) {
            ftp.close();
        }
    }

    @Test
    void mirrorReverseUploadsATreeByteForByte() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        write("top.bin", TestDfs.random(400_000, 41));
        write("a/b/c/deep.txt", TestDfs.text("deep"));
        write("with space/file name.txt", TestDfs.text("spaces"));
        write("ünïcødé/日本語.txt", TestDfs.text("unicode"));
        write("hash#dir/50%.txt", TestDfs.text("hash and percent"));
        write("a/.hidden", TestDfs.text("dot files too"));
        write("a/empty.txt", new byte[0]);
        Files.createDirectories(src.resolve("empty dir"));
        Instant mtime = Instant.parse("2021-03-04T05:06:07Z");
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(mtime));
            }
        }

        String out = lftp("mirror -R --parallel=2 " + quoted(src.toString()) + " /up");
        assertEquals(files(src), files(dir.resolve("up")), out);
        assertTrue(Files.isDirectory(dir.resolve("up/empty dir")), "empty directories too");
        assertEquals(FileTime.from(mtime), Files.getLastModifiedTime(dir.resolve("up/ünïcødé/日本語.txt")),
                "the times came along (MFMT)");
        assertEquals(mtime.getEpochSecond(), dfs.tree().lookup(DfsPath.of("up/hash#dir/50%.txt")).lastModified());
        assertEquals(List.of(), leftovers());

        // Again, after a change: only the change is sent, and the result is the same tree.
        write("a/b/c/deep.txt", TestDfs.text("deeper now"));
        Files.delete(src.resolve("with space/file name.txt"));
        out = lftp("mirror -R --delete " + quoted(src.toString()) + " /up");
        assertEquals(files(src), files(dir.resolve("up")), out);
        assertEquals(List.of(), leftovers());
    }

    @Test
    void putContinuesAPartialUpload() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        byte[] whole = TestDfs.random(700_000, 42);
        Path local = src.resolve("big.bin");
        Files.write(local, whole);
        Files.createDirectories(dir.resolve("up"));
        Files.write(dir.resolve("up/big.bin"), Arrays.copyOf(whole, 250_000)); // an upload cut off earlier
        dfs.rescan();

        String out = lftp("put -c " + quoted(local.toString()) + " -o /up/big.bin");
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve("up/big.bin")), out);
        assertEquals(whole.length, dfs.tree().lookup(DfsPath.of("up/big.bin")).size());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void putOverAnExistingFileReplacesIt() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        Path local = src.resolve("old.txt");
        Files.writeString(local, "replaced");
        lftp("put " + quoted(local.toString()) + " -o /existing/old.txt");
        assertEquals("replaced", Files.readString(dir.resolve("existing/old.txt")));
    }

    @Test
    void lftpFileCommandsWork() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        lftp("mkdir -p /made/deeper; mv /existing/old.txt /made/deeper/moved.txt; rmdir /existing");
        assertEquals("old", Files.readString(dir.resolve("made/deeper/moved.txt")));
        assertTrue(Files.notExists(dir.resolve("existing")));
        lftp("rm /made/deeper/moved.txt; rmdir /made/deeper");
        assertTrue(Files.notExists(dir.resolve("made/deeper")));
    }

    @Test
    void curlUploadsAndResumes() throws Exception {
        assumeTrue(installed("curl"), "curl is not installed");
        byte[] whole = TestDfs.random(500_000, 43);
        Path local = src.resolve("curl.bin");
        Files.write(local, whole);
        run("curl", "-sS", "--max-time", "20", "--user", "writer:w-secret", "-T", local.toString(),
                url + "/existing/");
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve("existing/curl.bin")));

        Files.write(dir.resolve("existing/part.bin"), Arrays.copyOf(whole, 123_456));
        dfs.rescan();
        run("curl", "-sS", "--max-time", "20", "--user", "writer:w-secret", "-C", "-", "-T", local.toString(),
                url + "/existing/part.bin");
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve("existing/part.bin")));
        assertEquals(List.of(), leftovers());
    }

    private void write(String path, byte[] content) throws IOException {
        Path p = src.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(LocalRoot::isTemporary).toList();
        }
    }

    private String lftp(String commands) throws IOException, InterruptedException {
        return run("lftp", "-c", "set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; "
                + "open -u writer,w-secret " + url + "; " + commands);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed: " + output);
        return output;
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Every regular file under {@code root}, by relative path, with its bytes as a string of hex. */
    private static Map<String, String> files(Path root) throws Exception {
        Map<String, String> all = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            all.put(root.relativize(f).toString(), java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
        return all;
    }

    private static boolean installed(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
