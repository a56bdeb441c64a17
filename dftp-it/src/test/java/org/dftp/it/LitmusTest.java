package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dftp.netty.DftpNode;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * litmus, the WebDAV server test suite, against a real node with a write user: every suite (basic,
 * copymove, props, locks, http) in one run with {@code -k}, so that a failing suite does not hide the
 * others. Skipped when {@code litmus} is not on the PATH.
 */
@ExtendWith(NettyLeaks.class)
class LitmusTest {
    private static final Pattern SUMMARY =
            Pattern.compile("summary for `(\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed");
    private static final long TIMEOUT_SECONDS = 120;

    record Suite(int run, int passed, int failed) {
    }

    @Test
    void litmusPasses(@TempDir Path dir) throws Exception {
        Path litmus = onPath("litmus");
        Assumptions.assumeTrue(litmus != null, "litmus is not on the PATH (apt-get install litmus)");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work")); // litmus writes debug.log and child.log here
        try (DftpNode node = DavFixture.start(root, new NodeConfig.Writes(DavFixture.users(dir), true, 0))) {
            ProcessBuilder pb = new ProcessBuilder(litmus.toString(), "-k",
                    "http://127.0.0.1:" + node.httpPort() + "/fs/", "alice", DavFixture.PASSWORD)
                    .directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("output").toFile());
            pb.environment().put("TESTS", "basic copymove props locks http");
            Process p = pb.start();
            boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String out = Files.readString(work.resolve("output"), StandardCharsets.UTF_8);
            System.out.println(out);
            assertTrue(finished, "litmus did not finish in " + TIMEOUT_SECONDS + " s:\n" + out);

            Map<String, Suite> suites = new LinkedHashMap<>();
            Matcher m = SUMMARY.matcher(out);
            while (m.find()) {
                suites.put(m.group(1), new Suite(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4))));
            }
            System.out.println("litmus: " + suites);
            assertEquals(List.of("basic", "copymove", "props", "locks", "http"), List.copyOf(suites.keySet()), out);
            for (String full : List.of("basic", "copymove", "http")) {
                Suite s = suites.get(full);
                assertEquals(0, s.failed(), full + ": " + s + "\n" + out);
                assertEquals(s.run(), s.passed(), full + ": " + s + "\n" + out);
            }
            assertTrue(suites.get("locks").passed() >= 30, "locks: " + suites.get("locks") + "\n" + out);
            assertTrue(suites.get("props").passed() >= 10, "props: " + suites.get("props") + "\n" + out);
        }
        assertEquals(List.of(), DavFixture.temps(root), "no upload left behind");
    }

    /** The executable {@code name} on the PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
