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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients users have, where this machine has them (skipped otherwise): curl downloads and resumes,
 * and {@code lftp mirror} copies the whole DFS, local and remote files alike, byte for byte.
 */
class RealClientsTest {
    private static final byte[] LOCAL = TestDfs.random(150_000, 21);
    private static final byte[] REMOTE = TestDfs.random(90_000, 22);

    @TempDir
    Path dir;
    @TempDir
    Path out;
    private FtpTestServer ftp;
    private String url;

    @BeforeEach
    void start() throws IOException {
        TestDfs dfs = new TestDfs(dir)
                .local("local.bin", LOCAL)
                .local("a/b/deep.txt", TestDfs.text("deep"))
                .local("a/.hidden", TestDfs.text("dot files are mirrored too"))
                .local("sp ace/é.txt", TestDfs.text("utf-8 names"))
                .remote(TestDfs.PEER, "a/remote.bin", REMOTE)
                .remote(TestDfs.PEER, "peer/only.txt", TestDfs.text("beta only"))
                .dir(TestDfs.PEER, "empty");
        ftp = FtpTestServer.start(dfs);
        url = "ftp://127.0.0.1:" + ftp.server.port();
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    @Test
    void curlDownloadsLocalAndRemoteFiles() throws IOException, InterruptedException {
        assumeTrue(installed("curl"), "curl is not installed");
        assertArrayEquals(LOCAL, curl("local.bin"));
        assertArrayEquals(REMOTE, curl("a/remote.bin"));
        assertArrayEquals(TestDfs.text("utf-8 names"), curl("sp%20ace/%C3%A9.txt"));
    }

    @Test
    void curlResumesAPartialDownload() throws IOException, InterruptedException {
        assumeTrue(installed("curl"), "curl is not installed");
        for (String[] file : new String[][] {{"local.bin", "local"}, {"a/remote.bin", "remote"}}) {
            byte[] whole = file[1].equals("local") ? LOCAL : REMOTE;
            Path partial = out.resolve(file[1]);
            Files.write(partial, java.util.Arrays.copyOf(whole, 40_000));
            run("curl", "-sS", "--max-time", "20", "-C", "-", "-o", partial.toString(), url + "/" + file[0]);
            assertArrayEquals(whole, Files.readAllBytes(partial), file[0]);
        }
    }

    @Test
    void curlListsADirectory() throws IOException, InterruptedException {
        assumeTrue(installed("curl"), "curl is not installed");
        // curl lists in ASCII mode and turns the CRLF line ends into LF on Unix.
        List<String> lines = List.of(new String(curl("a/"), StandardCharsets.UTF_8).split("\r?\n"));
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("-rw-r-----   1 beta     dftp            90000 Nov 14  2023 remote.bin", lines.get(2));
    }

    @Test
    void lftpMirrorsTheWholeDfs() throws IOException, InterruptedException, NoSuchAlgorithmException {
        assumeTrue(installed("lftp"), "lftp is not installed");
        Path mirror = out.resolve("mirror");
        run("lftp", "-c", "set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; "
                + "open -u anonymous,test " + url + "; mirror --parallel=2 / " + mirror);
        Map<String, String> expected = sha256s(dir);
        expected.put("a/remote.bin", sha256(REMOTE));
        expected.put("peer/only.txt", sha256(TestDfs.text("beta only")));
        assertEquals(expected, sha256s(mirror));
        assertTrue(Files.isDirectory(mirror.resolve("empty")), "an empty directory of a peer is mirrored too");
    }

    private byte[] curl(String path) throws IOException, InterruptedException {
        Path file = Files.createTempFile(out, "curl", ".out");
        run("curl", "-sS", "--max-time", "20", "-o", file.toString(), url + "/" + path);
        return Files.readAllBytes(file);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed: " + output);
    }

    private static boolean installed(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The sha256 of every regular file under {@code root}, by relative path. */
    private static Map<String, String> sha256s(Path root) throws IOException, NoSuchAlgorithmException {
        Map<String, String> sums = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            sums.put(root.relativize(f).toString(), sha256(Files.readAllBytes(f)));
        }
        return sums;
    }

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
