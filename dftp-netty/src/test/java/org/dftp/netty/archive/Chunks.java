package org.dftp.netty.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a chunked body by hand up to wherever it stops, for tests of broken-off downloads: what arrived,
 * and whether the terminating zero-size chunk did.
 */
record Chunks(byte[] body, boolean terminated) {

    /** Reads chunks from {@code in} (positioned after the head) until the last chunk or the end of the stream. */
    static Chunks read(InputStream in) throws IOException {
        return read(in, Long.MAX_VALUE, null);
    }

    /** The same, running {@code midway} once {@code after} bytes of the body arrived. */
    static Chunks read(InputStream in, long after, Midway midway) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            if (midway != null && body.size() >= after) {
                midway.run();
                midway = null;
            }
            String size = line(in);
            if (size == null) {
                return new Chunks(body.toByteArray(), false);
            }
            long n = Long.parseLong(size.trim(), 16);
            if (n == 0) {
                return new Chunks(body.toByteArray(), true);
            }
            byte[] piece = in.readNBytes((int) n);
            body.write(piece);
            if (piece.length < n || line(in) == null) {
                return new Chunks(body.toByteArray(), false);
            }
        }
    }

    interface Midway {
        void run() throws IOException;
    }

    /** Skips the status line and headers. */
    static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            head.append(l).append('\n');
        }
        return head.toString();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
