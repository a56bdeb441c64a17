package org.dftp.core.local;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import org.dftp.core.BadPathException;

/**
 * How a name on the disk becomes a DFS name and back: the one place where dftp turns the bytes of a local
 * file name into the string the tree, the wire, HTTP and FTP carry, and a DFS name into the bytes a system
 * call is given.
 *
 * <p>Why: Linux names are bytes, and old shares hold names that are not UTF-8 ({@code caf\xe9.txt}, from a
 * Latin-1 machine). The JDK decodes those into U+FFFD, which maps back to other bytes, so such a file could
 * be neither listed truthfully nor opened. Here each byte of a name that is not part of a valid UTF-8
 * sequence is written {@code ‛XX} (U+201B SINGLE HIGH-REVERSED-9 QUOTATION MARK and two upper-case hex
 * digits: {@code caf‛E9.txt}), and a U+201B the name itself holds is doubled ({@code ‛‛}), as rclone's
 * {@code InvalidUtf8} encoding does. The escape is a bijection: every byte string has exactly one DFS name,
 * and a DFS name that is not that one spelling (a lone {@code ‛}, lower-case hex, an escaped byte that is
 * valid UTF-8) names nothing on this disk and is refused ({@link #toDisk}). A name that is valid UTF-8 and
 * holds no U+201B, which is nearly every name, is its own DFS name.
 *
 * <p>Paths built here ({@link #child}) carry the raw bytes, whatever the JVM's {@code sun.jnu.encoding};
 * that needs {@code java.base} to open {@code sun.nio.fs} to dftp, as {@link DirectStat} does. Where it is
 * not open ({@link #RAW}), names that need raw bytes are left out of the tree and counted.
 */
public final class DiskNames {
    /** The escape character: U+201B. */
    public static final char ESCAPE = '\u201B';

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** How the JDK encodes names for system calls. */
    private static final Charset JNU = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    /** Whether that is UTF-8, so that a plain {@code resolve(String)} names the right bytes. */
    private static final boolean JNU_UTF8 = JNU.equals(StandardCharsets.UTF_8);

    /** The JDK's own path from bytes, and a path's bytes: static finals, so that the JIT makes them direct calls. */
    private static final class Native {
        static final Class<?> UNIX_PATH = type("sun.nio.fs.UnixPath");
        static final MethodHandle FROM_BYTES = handle(true);
        static final MethodHandle AS_BYTES = handle(false);

        private static Class<?> type(String name) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        private static MethodHandle handle(boolean fromBytes) {
            try {
                MethodHandles.Lookup in = MethodHandles.privateLookupIn(UNIX_PATH, MethodHandles.lookup());
                if (fromBytes) {
                    return in.findConstructor(UNIX_PATH, MethodType.methodType(void.class,
                                    type("sun.nio.fs.UnixFileSystem"), byte[].class))
                            .asType(MethodType.methodType(Path.class, FileSystem.class, byte[].class));
                }
                return in.findVirtual(UNIX_PATH, "asByteArray", MethodType.methodType(byte[].class))
                        .asType(MethodType.methodType(byte[].class, Path.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Whether paths can be built from and read as raw bytes in this JVM; without it, only UTF-8 names work. */
    public static final boolean RAW = available();

    private static boolean available() {
        try {
            return Native.AS_BYTES != null && Native.FROM_BYTES != null
                    && FileSystems.getDefault().getPath("/").getClass() == Native.UNIX_PATH;
        } catch (LinkageError e) {
            return false; // not a Unix JDK, or sun.nio.fs not opened to dftp
        }
    }

    private DiskNames() {
    }

    /** The DFS name of a file name's bytes: each byte outside a valid UTF-8 sequence as {@code ‛XX}, U+201B doubled. */
    public static String toDfs(byte[] raw) {
        StringBuilder out = new StringBuilder(raw.length + 8);
        int i = 0;
        while (i < raw.length) {
            int b = raw[i] & 0xff;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int n = sequenceLength(raw, i);
            if (n == 0) {
                out.append(ESCAPE).append(HEX[b >> 4]).append(HEX[b & 0xf]);
                i++;
                continue;
            }
            int cp = b & (0xff >> (n + 1));
            for (int k = 1; k < n; k++) {
                cp = cp << 6 | raw[i + k] & 0x3f;
            }
            if (cp == ESCAPE) {
                out.append(ESCAPE);
            }
            out.appendCodePoint(cp);
            i += n;
        }
        return out.toString();
    }

    /**
     * The length of the valid UTF-8 sequence of two to four bytes at {@code i}, or 0 when none starts there:
     * no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629's table).
     */
    private static int sequenceLength(byte[] raw, int i) {
        int b = raw[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            n = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            n = 3;
            lo = b == 0xe0 ? 0xa0 : 0x80;
            hi = b == 0xed ? 0x9f : 0xbf;
        } else if (b >= 0xf0 && b <= 0xf4) {
            n = 4;
            lo = b == 0xf0 ? 0x90 : 0x80;
            hi = b == 0xf4 ? 0x8f : 0xbf;
        } else {
            return 0;
        }
        if (i + n > raw.length) {
            return 0;
        }
        int second = raw[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int c = raw[i + k] & 0xff;
            if (c < 0x80 || c > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    /**
     * The bytes on the disk of a DFS name.
     *
     * @throws BadPathException when the name is not the one spelling {@link #toDfs} gives any bytes: a
     *                          {@code ‛} not followed by another or by two upper-case hex digits, or an
     *                          escaped byte that is part of valid UTF-8 (which stands for itself)
     */
    public static byte[] toDisk(String name) {
        if (name.indexOf(ESCAPE) < 0) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(name.length() + 8);
        int from = 0;
        for (int at = name.indexOf(ESCAPE); at >= 0; at = name.indexOf(ESCAPE, from)) {
            out.writeBytes(name.substring(from, at).getBytes(StandardCharsets.UTF_8));
            if (at + 1 < name.length() && name.charAt(at + 1) == ESCAPE) {
                out.writeBytes(String.valueOf(ESCAPE).getBytes(StandardCharsets.UTF_8));
                from = at + 2;
                continue;
            }
            int high = at + 2 < name.length() ? hexDigit(name.charAt(at + 1)) : -1;
            int low = high >= 0 ? hexDigit(name.charAt(at + 2)) : -1;
            if (low < 0) {
                throw new BadPathException("'" + ESCAPE + "' in a name starts an escaped byte (" + ESCAPE + "E9) or is "
                        + "doubled (" + ESCAPE + ESCAPE + ")");
            }
            out.write(high << 4 | low);
            from = at + 3;
        }
        out.writeBytes(name.substring(from).getBytes(StandardCharsets.UTF_8));
        byte[] raw = out.toByteArray();
        if (!toDfs(raw).equals(name)) {
            throw new BadPathException("an escaped byte (" + ESCAPE + "XX) in a name must not be part of valid UTF-8");
        }
        return raw;
    }

    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Whether a DFS name stands for bytes that are not UTF-8 (it holds an escaped byte, not only a doubled {@code ‛}). */
    public static boolean escapesBytes(String name) {
        for (int at = name.indexOf(ESCAPE); at >= 0; at = name.indexOf(ESCAPE, at + 2)) {
            if (at + 1 < name.length() && name.charAt(at + 1) != ESCAPE) {
                return true;
            }
        }
        return false;
    }

    /**
     * The entry of {@code dir} that the DFS calls {@code name}.
     *
     * @throws BadPathException when the name is not a canonical DFS name ({@link #toDisk}), or it needs raw
     *                          bytes and this JVM cannot build such a path ({@link #RAW})
     */
    public static Path child(Path dir, String name) {
        if (asIs(name)) {
            return dir.resolve(name); // the same bytes toDisk gives
        }
        byte[] raw = toDisk(name);
        if (!RAW) {
            throw new BadPathException("this node cannot name files that are not UTF-8");
        }
        try {
            return dir.resolve((Path) Native.FROM_BYTES.invokeExact(dir.getFileSystem(), raw));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The DFS name of a path's last component (the whole path when it has one component), or null when
     * it needs raw bytes this JVM cannot read ({@link #RAW}).
     */
    public static String name(Path path) {
        Path last = path.getFileName();
        if (last == null) {
            return "";
        }
        String s = last.toString();
        if (asIs(s)) {
            return s;
        }
        return RAW ? toDfs(bytes(last)) : null;
    }

    /**
     * Whether a name as the JDK decoded it ({@code File.list()}, {@code Path.toString()}) is its DFS name:
     * nothing was replaced in decoding, and it holds no escape character. Nearly always true, and cheap.
     */
    public static boolean asIs(String decoded) {
        if (decoded.indexOf('\uFFFD') >= 0 || decoded.indexOf(ESCAPE) >= 0) {
            return false;
        }
        if (JNU_UTF8) {
            return true;
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A path's bytes as system calls get them (where {@link #RAW} is false, as the JDK encodes its string). */
    public static byte[] bytes(Path path) {
        if (!RAW) {
            return path.toString().getBytes(JNU);
        }
        try {
            return (byte[]) Native.AS_BYTES.invokeExact(path);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
