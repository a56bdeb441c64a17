package org.dftp.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.local.LocalRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * lftp (GnuTLS) and curl (OpenSSL) against a server that requires TLS ({@code -ftp-require-tls}), trusting
 * the test certificate as a CA file and checking the name: listings, downloads of local and peers' files,
 * uploads and resumed uploads, byte for byte. That the server requires TLS proves they used it for the
 * logins and every transfer. Each test is skipped where its client is not installed.
 */
@Timeout(120)
class FtpsRealClientsTest {
    private static final byte[] BIG = TestDfs.random(3 << 20, 61);
    private static final byte[] REMOTE = TestDfs.random(500_000, 62);
    private static final SSLContext SERVER = TestTls.server("a");

    @TempDir
    Path dir;
    @TempDir
    Path etc;
    @TempDir
    Path work;
    private TestDfs dfs;
    private FtpTestServer ftp;
    private Path ca;
    private String url;

    @BeforeEach
    void start() throws IOException {
        dfs = new TestDfs(dir)
                .local("big.bin", BIG)
                .local("docs/a.txt", TestDfs.text("a"))
                .remoteLent(TestDfs.PEER, "peer/remote.bin", REMOTE);
        dfs.rescan();
        FtpWrites writes = new FtpWrites(dfs.writes(), null,
                TestUsers.load(etc, TestUsers.line("writer", "w-secret", "write", null)), new LoginThrottle(), true, 0);
        ftp = new FtpTestServer(dfs, FtpTestServer.options(8, Duration.ofMinutes(1))
                .withTls(new FtpTls(() -> SERVER, true)), writes);
        ca = TestTls.certificateFile(etc, "a");
        url = "ftp://127.0.0.1:" + ftp.server.port();
    }

    @AfterEach
    void stop() {
        if (ftp != null) {
            ftp.close();
        }
    }

    @Test
    void lftpListsDownloadsAndUploadsOverTls() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        Path up = work.resolve("up.bin");
        byte[] upload = TestDfs.random(2_000_000, 63);
        Files.write(up, upload);
        String out = lftp("cls -1 /; get /big.bin -o " + quoted(work.resolve("big.bin").toString())
                + "; get /peer/remote.bin -o " + quoted(work.resolve("remote.bin").toString())
                + "; put " + quoted(up.toString()) + " -o /docs/up.bin");
        assertTrue(out.contains("big.bin") && out.contains("docs") && out.contains("peer"), out);
        assertArrayEquals(BIG, Files.readAllBytes(work.resolve("big.bin")));
        assertArrayEquals(REMOTE, Files.readAllBytes(work.resolve("remote.bin")));
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("docs/up.bin")));
        assertEquals(upload.length, dfs.tree().lookup(DfsPath.of("docs/up.bin")).size());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void lftpResumesAnUploadOverTls() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        byte[] whole = TestDfs.random(1_500_000, 64);
        Path local = work.resolve("whole.bin");
        Files.write(local, whole);
        Files.write(dir.resolve("docs/whole.bin"), Arrays.copyOf(whole, 600_000)); // cut off earlier
        dfs.rescan();
        lftp("put -c " + quoted(local.toString()) + " -o /docs/whole.bin");
        assertArrayEquals(whole, Files.readAllBytes(dir.resolve("docs/whole.bin")));
    }

    @Test
    void lftpWithoutTlsIsRefused() throws Exception {
        assumeTrue(installed("lftp"), "lftp is not installed");
        Process p = new ProcessBuilder("lftp", "-c", "set net:max-retries 1; set net:timeout 5; set cmd:fail-exit yes; "
                + "set net:reconnect-interval-base 1; set ftp:ssl-allow false; open -u writer,w-secret " + url + "; cls /")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(p.exitValue() == 0, out);
        assertTrue(out.contains("530 This server requires TLS"), out);
    }

    @Test
    void curlDownloadsListsAndUploadsOverTls() throws Exception {
        assumeTrue(installed("curl"), "curl is not installed");
        Path big = work.resolve("big.bin");
        curl("-o", big.toString(), url + "/big.bin");
        assertArrayEquals(BIG, Files.readAllBytes(big));
        Path remote = work.resolve("remote.bin");
        curl("-o", remote.toString(), url + "/peer/remote.bin");
        assertArrayEquals(REMOTE, Files.readAllBytes(remote));
        String listing = curl("--list-only", url + "/docs/");
        assertEquals("a.txt", listing.trim());

        byte[] upload = TestDfs.random(1_200_000, 65);
        Path up = work.resolve("curl.bin");
        Files.write(up, upload);
        curl("-T", up.toString(), url + "/docs/");
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("docs/curl.bin")));
        Files.write(dir.resolve("docs/part.bin"), Arrays.copyOf(upload, 400_000));
        dfs.rescan();
        curl("-C", "-", "-T", up.toString(), url + "/docs/part.bin");
        assertArrayEquals(upload, Files.readAllBytes(dir.resolve("docs/part.bin")));
        assertEquals(List.of(), leftovers());
    }

    private String lftp(String commands) throws IOException, InterruptedException {
        return run("lftp", "-c", "set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; "
                + "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ftp:ssl-protect-list true; "
                + "set ssl:ca-file " + quoted(ca.toString()) + "; set ssl:check-hostname true; "
                + "open -u writer,w-secret " + url + "; " + commands);
    }

    private String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--ssl-reqd",
                "--cacert", ca.toString(), "--user", "writer:w-secret"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(LocalRoot::isTemporary).toList();
        }
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

    private static boolean installed(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
