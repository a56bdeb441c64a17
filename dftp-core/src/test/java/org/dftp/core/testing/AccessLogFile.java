package org.dftp.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dftp.core.access.AccessLog;

/**
 * A real {@link AccessLog} into a file of a test's directory, and a way to wait for the lines of any access
 * log file: the writer thread flushes within about a second. Shipped in dftp-core's test-jar for the HTTP
 * and FTP tests.
 */
public final class AccessLogFile implements AutoCloseable {
    private static final long WAIT_MILLIS = 10_000;
    /** How long to wait, after the lines expected, for lines that should not come. */
    private static final long SETTLE_MILLIS = 200;
    /** nginx's {@code [$time_local]}, which the clock decides. */
    private static final Pattern TIME = Pattern.compile("\\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}]");

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

    /** {@link #awaitTimeless(Path, int)} of this log's file. */
    public List<String> awaitTimeless(int n) throws IOException, InterruptedException {
        return awaitTimeless(path, n);
    }

    /**
     * The lines of {@code file} once it has {@code n} (at most ten seconds later, and a moment more for any
     * line too many), each with its time as {@code [T]}; fails when fewer come or a line has no time.
     */
    public static List<String> awaitTimeless(Path file, int n) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (lines(file).size() < n && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(SETTLE_MILLIS);
        List<String> lines = lines(file);
        if (lines.size() < n) {
            throw new AssertionError("expected " + n + " access log line(s), found " + lines);
        }
        return lines.stream().map(AccessLogFile::timeless).toList();
    }

    /** The lines written so far, as they are. */
    public List<String> lines() throws IOException {
        return lines(path);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
    }

    private static String timeless(String line) {
        Matcher m = TIME.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no [$time_local] in " + line);
        }
        return m.replaceFirst("[T]");
    }

    @Override
    public void close() {
        log.close();
    }
}
