package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dftp.netty.DftpNode;
import org.dftp.netty.HostPort;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code wget -r -np} against a started node mirrors the tree with every file fetched exactly once:
 * the default listing links no per-file alternate ({@code NAME?format=txt}) to fetch each file again, for
 * wget as for every other client. Its column headers are sort links, so wget also saves each directory's
 * five other orders once each ({@code index.html?sort=size&order=asc}...), and nothing more. Counted on
 * both sides: the files wget wrote, and the {@code 200}s and bytes the node served. Skips where wget is
 * not installed ({@code apt-get install wget}; {@code .ci/run} installs it).
 */
@ExtendWith(NettyLeaks.class)
@Timeout(120)
class WgetMirrorTest {
    /** Files, and enough of them in {@code many/} that its listing is worth compressing. */
    private static final List<String> FILES = Stream.concat(
            Stream.of("a.txt", "b.bin", "space name.txt", "sub/c.txt", "sub/deeper/d.bin"),
            java.util.stream.IntStream.range(0, 20).mapToObj(i -> "many/entry-" + i + ".txt")).toList();
    private static final List<String> DIRS = List.of("", "sub/", "sub/deeper/", "empty/", "many/");
    /** What wget saves of each listing: the page itself and the other orders its headers link. */
    private static final List<String> LISTING_PAGES = List.of("index.html", "index.html?sort=name&order=desc",
            "index.html?sort=size&order=asc", "index.html?sort=size&order=desc", "index.html?sort=mtime&order=asc",
            "index.html?sort=mtime&order=desc");

    @ParameterizedTest(name = "wget -r -np {0}")
    @ValueSource(strings = {"--compression=none", "--compression=gzip"})
    void everyFileIsFetchedExactlyOnce(String compression, @TempDir Path dir) throws Exception {
        Path wget = LitmusTest.onPath("wget");
        Assumptions.assumeTrue(wget != null, "wget is not on the PATH (apt-get install wget): skipping");
        Assumptions.assumeTrue(!compression.equals("--compression=gzip") || supports(wget, dir, compression),
                "this wget has no " + compression + ": skipping");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("empty"));
        Map<String, byte[]> want = new TreeMap<>();
        Random random = new Random(3);
        long bytes = 0;
        for (String name : FILES) {
            byte[] content = ("content of " + name + "\n").getBytes(StandardCharsets.UTF_8);
            if (name.endsWith(".bin")) {
                content = new byte[100_000]; // over 16 KiB: sent by sendfile
                random.nextBytes(content);
            }
            Path f = root.resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, content);
            want.put(name, content);
            bytes += content.length;
        }
        Path out = Files.createDirectories(dir.resolve("out"));
        try (DftpNode node = DftpNode.start(NodeConfig.defaults("ga", root)
                .withListen(HostPort.parse("127.0.0.1:0"), HostPort.parse("127.0.0.1:0"), null)
                .withMulticast(null))) {
            long before = node.metrics().responsesByStatus().getOrDefault(200, 0L);
            String log = run(out, wget.toString(), "-r", "-np", "-nH", "-nv", "-S", "--tries=1", "--timeout=20",
                    compression, "http://127.0.0.1:" + node.httpPort() + "/fs/");
            assertEquals(compression.endsWith("gzip"), log.toLowerCase(java.util.Locale.ROOT).contains("content-encoding: gzip"),
                    "listings come gzip when wget asks for it:\n" + log);

            Map<String, Integer> written = new TreeMap<>();
            try (Stream<Path> all = Files.walk(out.resolve("fs"))) {
                all.filter(Files::isRegularFile).forEach(p -> written.merge(out.resolve("fs").relativize(p).toString(), 1, Integer::sum));
            }
            Map<String, Integer> expected = new TreeMap<>();
            FILES.forEach(f -> expected.put(f, 1));
            DIRS.forEach(d -> LISTING_PAGES.forEach(page -> expected.put(d + page, 1)));
            assertEquals(expected, written, "each file and listing page once, nothing as NAME?format=txt:\n" + log);
            for (Map.Entry<String, byte[]> f : want.entrySet()) {
                assertTrue(java.util.Arrays.equals(f.getValue(), Files.readAllBytes(out.resolve("fs").resolve(f.getKey()))),
                        f.getKey() + " arrived as it is");
            }
            long served = node.metrics().responsesByStatus().getOrDefault(200, 0L) - before;
            assertEquals(FILES.size() + DIRS.size() * LISTING_PAGES.size(), served,
                    "200s the node sent: a file or listing page each\n" + log);
            assertEquals(bytes, node.metrics().bytesServedLocal.sum(), "every file's bytes once");
        }
    }

    /** Whether this wget knows {@code option} (built without zlib, it refuses --compression). */
    private static boolean supports(Path wget, Path dir, String option) throws Exception {
        Process p = new ProcessBuilder(wget.toString(), option, "--version").directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out\n" + out);
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return out;
    }
}
