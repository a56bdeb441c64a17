package org.dftp.core.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.dftp.core.testing.AccessLogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nginx's combined format, its escaping, and the writer thread that puts the lines in the file. */
class AccessLineTest {
    private static final ZonedDateTime T = ZonedDateTime.of(2026, 12, 7, 16, 5, 1, 0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void combinedFormatWithDashesForMissingValues() {
        assertEquals("10.0.0.7 - alice [07/Dec/2026:16:05:01 +0000] \"GET /fs/a.txt HTTP/1.1\" 200 5 "
                        + "\"http://example.com/\" \"curl/8.5.0\"",
                new AccessLine("10.0.0.7", "alice", T, "GET /fs/a.txt HTTP/1.1", 200, 5, "http://example.com/",
                        "curl/8.5.0").format());
        assertEquals("::1 - - [07/Dec/2026:16:05:01 +0000] \"-\" 408 0 \"-\" \"-\"",
                new AccessLine("::1", null, T, null, 408, 0, "", null).format());
    }

    @Test
    void localTimeCarriesItsOffset() {
        String line = new AccessLine("a", null, T.withZoneSameInstant(ZoneOffset.ofHoursMinutes(5, 30)), "x", 200,
                0, null, null).format();
        assertTrue(line.contains("[07/Dec/2026:21:35:01 +0530]"), line);
    }

    @Test
    void aHostileUserAgentCannotEndTheFieldOrForgeALine() {
        String agent = "evil\" 200 0 \"-\" \"x\"\n127.0.0.1 - admin [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\\";
        String line = new AccessLine("10.0.0.7", null, T, "GET / HTTP/1.1", 200, 0, null, agent).format();
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertEquals("10.0.0.7 - - [07/Dec/2026:16:05:01 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" "
                + "\"evil\\x22 200 0 \\x22-\\x22 \\x22x\\x22\\x0A127.0.0.1 - admin [01/Jan/2026:00:00:00 +0000] "
                + "\\x22GET / HTTP/1.1\\x5C\"", line);
        // Exactly the six quotes of the format: no field was closed early.
        assertEquals(6, line.chars().filter(c -> c == '"').count(), line);
    }

    @Test
    void controlAndNonAsciiBytesAreEscapedAsNginxDoes() {
        // HTTP/1 header values arrive one char per byte: \u00e9 is the byte 0xE9 as sent.
        assertEquals("a\\x09b\\x7F\\xE9\\x1B[31m", AccessLine.field(new StringBuilder(), "a\tb\u007f\u00e9\u001b[31m").toString());
        // A char beyond a byte (an FTP path decoded from UTF-8) is escaped as its UTF-8 bytes.
        assertEquals("\\xE2\\x82\\xAC\\xF0\\x9F\\x98\\x80", AccessLine.field(new StringBuilder(), "\u20ac\ud83d\ude00").toString());
    }

    @Test
    void theWriterPutsEveryLineInTheFileAndFlushesWithoutBeingClosed() throws Exception {
        try (AccessLogFile file = AccessLogFile.in(dir)) {
            for (int i = 0; i < 100; i++) {
                file.log.log(new AccessLine("10.0.0." + i, null, T, "GET /" + i + " HTTP/1.1", 200, i, null, null));
            }
            List<String> lines = file.awaitTimeless(100);
            assertEquals(100, lines.size());
            assertEquals("10.0.0.42 - - [T] \"GET /42 HTTP/1.1\" 200 42 \"-\" \"-\"", lines.get(42));
            assertEquals(0, file.log.dropped());
        }
    }

    @Test
    void openingAppendsAndCloseWritesWhatIsQueued() throws Exception {
        Path f = Files.writeString(dir.resolve("access.log"), "earlier line\n");
        AccessLog log = AccessLog.open(f.toString());
        log.log(new AccessLine("a", null, T, "x", 200, 0, null, null));
        log.close();
        List<String> lines = Files.readAllLines(f);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("earlier line", lines.get(0));
        log.log(new AccessLine("after", null, T, "x", 200, 0, null, null)); // dropped quietly once closed
    }

    @Test
    void dashIsStandardOutputWhichCloseLeavesOpen() throws Exception {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream capture = new java.io.PrintStream(captured, true)) {
            System.setOut(capture);
            AccessLog log = AccessLog.open("-");
            log.log(new AccessLine("10.0.0.1", null, T, "GET / HTTP/1.1", 200, 3, null, null));
            log.close();
            capture.println("still open");
        } finally {
            System.setOut(stdout);
        }
        assertEquals("10.0.0.1 - - [07/Dec/2026:16:05:01 +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"-\"\nstill open"
                + System.lineSeparator(), captured.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void aStuckDiskCostsLinesNeverTheCallersTime() throws Exception {
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        // OutputStream writes an array byte by byte: the first byte holds the writer thread.
        java.io.OutputStream disk = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        AccessLog log = AccessLog.to(disk);
        AccessLine line = new AccessLine("10.0.0.1", null, T, "GET / HTTP/1.1", 200, 0, null, null);
        long start = System.nanoTime();
        // 64 KiB lines fill the writer's buffer, then the queue; the rest must be dropped, not waited for.
        int n = AccessLog.CAPACITY + 64 * 1024 / 60 + 1000;
        for (int i = 0; i < n; i++) {
            log.log(line);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(log.dropped() >= 500, "dropped " + log.dropped());
        assertTrue(millis < 5_000, "logging took " + millis + " ms");
        stuck.countDown();
        log.close();
    }

    @Test
    void anUnwritablePathFailsToOpen() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "");
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> AccessLog.open(file.resolve("access.log").toString()));
    }
}
