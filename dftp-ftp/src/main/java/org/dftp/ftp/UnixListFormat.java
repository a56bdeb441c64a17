package org.dftp.ftp;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One {@code LIST} line as {@code ls -l} on a Unix server writes it, which every FTP client parses:
 * <pre>-rw-r--r--   1 alpha    dftp        12345 Nov 14  2023 name</pre>
 * The permission bits are the owner's, the owner column is the node that serves the entry (or
 * {@code (multiple)}), and times are UTC like {@code MDTM}'s, as "recent" ({@code Nov 14 22:13}) within
 * six months of now and with the year otherwise.
 */
final class UnixListFormat {
    private static final long SIX_MONTHS_MILLIS = 183L * 24 * 3600 * 1000;
    private static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private UnixListFormat() {
    }

    /** The line for {@code file}, CRLF included, with {@code nowMillis} deciding what is recent. */
    static String line(DfsFtpFile file, long nowMillis) {
        long mtime = file.getLastModified();
        String date = (Math.abs(nowMillis - mtime) > SIX_MONTHS_MILLIS ? OLD : RECENT).format(Instant.ofEpochMilli(mtime));
        return String.format(Locale.ROOT, "%s %3d %-8s %-8s %12d %s %s\r\n", mode(file), file.getLinkCount(),
                file.getOwnerName(), file.getGroupName(), file.getSize(), date, file.getName());
    }

    /** {@code drwxr-xr-x}, {@code -rw-r--r--}: the type and the nine permission bits. */
    static String mode(DfsFtpFile file) {
        int bits = file.permissions();
        char[] s = new char[10];
        s[0] = file.isDirectory() ? 'd' : '-';
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s[i + 1] = (bits & (0400 >> i)) != 0 ? rwx.charAt(i) : '-';
        }
        return new String(s);
    }

    /**
     * The listing of {@code files} as UTF-8 bytes, each line made only when the transfer reaches it: a
     * directory of a million entries costs one line of memory, not the whole listing.
     */
    static InputStream stream(Iterable<DfsFtpFile> files, Predicate<DfsFtpFile> filter, long nowMillis) {
        Iterator<DfsFtpFile> it = files.iterator();
        return new InputStream() {
            private byte[] line = new byte[0];
            private int pos;

            /** Whether bytes are left, fetching the next accepted line when the current one is used up. */
            private boolean fill() {
                while (pos == line.length) {
                    if (!it.hasNext()) {
                        return false;
                    }
                    DfsFtpFile f = it.next();
                    if (filter.test(f)) {
                        line = line(f, nowMillis).getBytes(StandardCharsets.UTF_8);
                        pos = 0;
                    }
                }
                return true;
            }

            @Override
            public int read() {
                return fill() ? line[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int n = 0;
                while (n < len && fill()) {
                    int chunk = Math.min(len - n, line.length - pos);
                    System.arraycopy(line, pos, b, off + n, chunk);
                    pos += chunk;
                    n += chunk;
                }
                return n == 0 ? -1 : n;
            }
        };
    }
}
