package org.dftp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dftp.netty.DftpNode;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * rclone's WebDAV backend against a real node: a tree with nested directories and odd names goes up with
 * {@code rclone copy} and must be on the node's disk byte for byte, then comes back down the same. Skipped
 * when {@code rclone} is not on the PATH.
 */
@ExtendWith(NettyLeaks.class)
class RcloneTest {
    private static final long TIMEOUT_SECONDS = 60;

    /** Relative path to content; a path ending in {@code /} is an empty directory. */
    private static final String[] NAMES = {
        "plain.txt",
        "empty.txt",
        "a b/c d.txt",
        "ünïcødé/日本語 ファイル.txt",
        "hash#tag/x#y.txt",
        "per%cent/50%.txt",
        "per%cent/%41%2F.txt",
        "plus+sign/a+b=c&d.txt",
        "quote's (paren) [bracket] {brace}; semi,comma@at!.txt",
        "deep/1/2/3/4/big.bin",
        "empty dir/",
        "deep/1/empty inside/",
    };

    @Test
    void aTreeGoesUpAndComesBackByteForByte(@TempDir Path dir) throws Exception {
        // rclone's default four transfers at once: they race their MKCOLs of a new parent, which the losers
        // must see answered 405 (exists), as RFC 4918 says, not a failure.
        roundTrip(dir, 4, List.of(NAMES));
    }

    private void roundTrip(Path dir, int transfers, List<String> names) throws Exception {
        Path rclone = LitmusTest.onPath("rclone");
        Assumptions.assumeTrue(rclone != null, "rclone is not on the PATH (apt-get install rclone)");
        Path local = Files.createDirectories(dir.resolve("local"));
        Random random = new Random(12);
        for (String name : names) {
            if (name.endsWith("/")) {
                Files.createDirectories(local.resolve(name));
                continue;
            }
            Path f = local.resolve(name);
            Files.createDirectories(f.getParent());
            byte[] content = name.equals("empty.txt") ? new byte[0]
                    : name.endsWith(".bin") ? new byte[3 << 20] : ("content of " + name + "\n").getBytes(StandardCharsets.UTF_8);
            if (name.endsWith(".bin")) {
                random.nextBytes(content);
            }
            Files.write(f, content);
        }
        Map<String, String> want = WebDavWritesTest.tree(local);

        Path root = Files.createDirectories(dir.resolve("root"));
        Path config = Files.writeString(dir.resolve("rclone.conf"), "");
        try (DftpNode node = DavFixture.start(root, new NodeConfig.Writes(DavFixture.users(dir), true, 0))) {
            String obscured = run(dir, rclone.toString(), "obscure", DavFixture.PASSWORD).trim();
            List<String> remote = List.of("--config", config.toString(),
                    "--webdav-url", "http://127.0.0.1:" + node.httpPort(), "--webdav-vendor", "other",
                    "--webdav-user", "alice", "--webdav-pass", obscured, "--low-level-retries", "1", "--retries", "1",
                    "--transfers", Integer.toString(transfers));

            run(dir, with(rclone, remote, "copy", "--create-empty-src-dirs", local.toString(), ":webdav:/fs/dst"));
            assertEquals(want, WebDavWritesTest.tree(root.resolve("dst")), "on the node's disk as sent");
            assertEquals(List.of(), DavFixture.temps(root));

            run(dir, with(rclone, remote, "check", "--size-only", local.toString(), ":webdav:/fs/dst"));
            Path back = dir.resolve("back");
            run(dir, with(rclone, remote, "copy", "--create-empty-src-dirs", ":webdav:/fs/dst", back.toString()));
            assertEquals(want, WebDavWritesTest.tree(back), "downloaded as uploaded");

            // A second copy finds everything in place: nothing is sent again.
            String again = run(dir, with(rclone, remote, "copy", "-v", local.toString(), ":webdav:/fs/dst"));
            assertTrue(!again.contains("Copied (new)") && !again.contains("Copied (replaced"), again);
        }
    }

    private static String[] with(Path rclone, List<String> remote, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(rclone.toString());
        cmd.add(args[0]);
        cmd.addAll(remote);
        cmd.addAll(List.of(args).subList(1, args.length));
        return cmd.toArray(String[]::new);
    }

    /** Runs a command in {@code dir}, time-boxed; its output, or a failure with it. */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "rclone", ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        boolean finished = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        String shown = String.join(" ", command).replaceAll("--webdav-pass \\S+", "--webdav-pass ***");
        assertTrue(finished, shown + " did not finish in " + TIMEOUT_SECONDS + " s:\n" + text);
        assertEquals(0, p.exitValue(), shown + ":\n" + text);
        return text;
    }
}
