package org.dftp.netty.http;

/**
 * The part of a file a request asks for, from its {@code Range} header: the whole file, one satisfiable
 * range, or nothing satisfiable. Only single byte ranges are honoured; several ranges, or a header that
 * is not understood, mean the whole file (RFC 9110 lets a server ignore Range), so no response is ever
 * larger than the file. A well-formed range that ends before it starts ({@code bytes=5-1}) is invalid and
 * unsatisfiable: 416, as nginx answers.
 *
 * @param start first byte
 * @param length bytes from {@code start}
 * @param partial whether this is a 206 range rather than the whole file
 * @param satisfiable false for a 416
 */
public record ByteRange(long start, long length, boolean partial, boolean satisfiable) {

    public static ByteRange whole(long size) {
        return new ByteRange(0, size, false, true);
    }

    /** Resolves a {@code Range} header (may be null) against a file of {@code size} bytes. */
    public static ByteRange parse(String header, long size) {
        if (header == null) {
            return whole(size);
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return whole(size);
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return whole(size);
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return whole(size);
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return whole(size);
                }
                long suffix = parseDigits(last);
                if (suffix == 0) {
                    return new ByteRange(0, 0, true, false);
                }
                long len = Math.min(suffix, size);
                return size == 0 ? new ByteRange(0, 0, true, false) : new ByteRange(size - len, len, true, true);
            }
            long start = parseDigits(first);
            long end = last.isEmpty() ? size - 1 : Math.min(parseDigits(last), size - 1);
            if (!last.isEmpty() && parseDigits(last) < start) {
                // RFC 9110 14.1.1 calls it invalid, so no range is satisfiable: 416, as nginx answers.
                return new ByteRange(0, 0, true, false);
            }
            if (start >= size) {
                return new ByteRange(0, 0, true, false);
            }
            return new ByteRange(start, end - start + 1, true, true);
        } catch (NumberFormatException e) {
            return whole(size);
        }
    }

    private static long parseDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new NumberFormatException(s);
            }
        }
        if (s.isEmpty() || s.length() > 18) {
            throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
    }

    /** The {@code Content-Range} value of this range of a file of {@code size} bytes. */
    public String contentRange(long size) {
        return satisfiable ? "bytes " + start + "-" + (start + length - 1) + "/" + size : "bytes */" + size;
    }
}
