package org.dftp.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dftp.core.access.AccessLog;

/**
 * A real {@link AccessLog} into a file of a test's directory, and a way to wait for its lines: the writer
 * thread flushes within about a second. Shipped in dftp-core's test-jar for the HTTP and FTP tests.
 */
public final class AccessLogFile implements AutoCloseable {
    private static final long WAIT_MILLIS = 10_000;

    public final Path path;
    public final AccessLog log;

    private AccessLogFile(Path path) throws IOException {
        this.path = path;
        this.log = AccessLog.open(path.toString());
    }

    /** A log at {@code dir/access.log}. */
    public static AccessLogFile in(Path dir) throws IOException {
        return new AccessLogFile(dir.resolve("access.log"));
    }

    /** The file's lines once it has {@code n} or more (at most ten seconds later); fails otherwise. */
    public List<String> awaitLines(int n) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        List<String> lines = lines();
        while (lines.size() < n && System.currentTimeMillis() < end) {
            Thread.sleep(20);
            lines = lines();
        }
        if (lines.size() < n) {
            throw new AssertionError("expected " + n + " access log line(s), found " + lines);
        }
        return lines;
    }

    /** The lines written so far. */
    public List<String> lines() throws IOException {
        return Files.exists(path) ? Files.readAllLines(path, StandardCharsets.ISO_8859_1) : List.of();
    }

    @Override
    public void close() {
        log.close();
    }
}
