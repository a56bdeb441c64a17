package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dftp.netty.DftpNode;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node whose dfsroot is a 1 MiB tmpfs: an upload that does not fit is {@code 507} and leaves neither a
 * partial file nor a temp file. Needs {@code mount -t tmpfs} (root in a permissive container); skipped
 * with the reason otherwise.
 */
@ExtendWith(NettyLeaks.class)
class WebDavFullDiskTest {
    static Path base;
    static Path mount;
    static boolean mounted;
    static DftpNode node;

    @BeforeAll
    static void mountAndStart() throws Exception {
        base = Files.createTempDirectory("dftp-fulldisk");
        mount = Files.createDirectories(base.resolve("root"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        mounted = failure == null;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here: " + failure);
        Path users = DavFixture.users(base);
        node = DavFixture.start(mount, new NodeConfig.Writes(users, true, 0));
    }

    @AfterAll
    static void stopAndUnmount() throws Exception {
        if (node != null) {
            node.close();
        }
        if (mounted) {
            String why = run("umount", mount.toString());
            if (why != null) {
                throw new AssertionError("umount " + mount + ": " + why);
            }
        }
        if (base != null) {
            try (Stream<Path> all = Files.walk(base)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Runs a command; null when it succeeded, else what went wrong. */
    private static String run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish in 10 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage();
        }
    }

    @Test
    void anUploadThatDoesNotFitIs507AndLeavesNothing() throws Exception {
        int size = 2 << 20;
        byte[] body = new byte[size];
        new Random(11).nextBytes(body);
        RawResponse res;
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /fs/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + DavFixture.basic("alice")
                    + "\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                for (int off = 0; off < size; off += 64 * 1024) {
                    out.write(body, off, 64 * 1024);
                }
                out.flush();
            } catch (IOException closed) {
                // the server answered and closed while the body was still coming: what it should do
            }
            res = RawResponse.read(s.getInputStream(), "PUT");
        }
        assertNotNull(res, "an answer before the close");
        assertEquals(507, res.status(), res.text());
        assertEquals(List.of(), names(), "no partial file, no temp file: gone before the answer");
        assertFalse(Web.text("http://127.0.0.1:" + node.httpPort() + "/find/").contains("big.bin"));

        // The disk is usable again for what fits.
        byte[] small = new byte[100_000];
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /fs/small.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + DavFixture.basic("alice")
                    + "\r\nContent-Length: " + small.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(small);
            assertEquals(201, RawResponse.read(s.getInputStream(), "PUT").status());
        }
        assertEquals(List.of("small.bin"), names());
    }

    private static List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(mount)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
