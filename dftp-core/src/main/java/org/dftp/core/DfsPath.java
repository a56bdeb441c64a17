package org.dftp.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A normalized path inside the DFS: a sequence of non-empty segments, relative to the DFS root.
 *
 * <p>This is the one place where a path from outside becomes trusted. {@link #fromUri} takes the raw
 * (percent-encoded) path of a URL, {@link #of} a decoded path such as an FTP argument, {@link #fromWire}
 * a {@code FullName} of the wire protocol. All of them reject what could escape the root or confuse a
 * file system: {@code ..} and {@code .} segments, NUL and other control characters, backslashes,
 * an encoded slash inside a segment, malformed or overlong UTF-8, and over-long paths. Empty segments
 * ({@code a//b}, a trailing slash) are merged away, as nginx does.
 *
 * <p>Forms: {@link #toString()} is the user form with a leading slash ({@code /somedir/c.jpg}, the root
 * is {@code /}); {@link #wire()} is the wire form without it ({@code somedir/c.jpg}, the root is empty).
 * Paths order segment by segment, so a directory sorts right before its contents.
 */
public final class DfsPath implements Comparable<DfsPath> {
    /** Longest accepted path, in UTF-8 bytes of its wire form; what Linux takes as PATH_MAX. */
    public static final int MAX_PATH_BYTES = 4096;
    /** Longest accepted segment, in UTF-8 bytes; what Linux takes as NAME_MAX. */
    public static final int MAX_SEGMENT_BYTES = 255;

    private static final String[] NO_SEGMENTS = new String[0];
    public static final DfsPath ROOT = new DfsPath(NO_SEGMENTS);

    private final String[] segments;

    private DfsPath(String[] segments) {
        this.segments = segments;
    }

    /** A decoded path, with or without a leading slash, e.g. {@code /a/b} or {@code a/b/}. */
    public static DfsPath of(String decoded) {
        // A cheap guard before any work; the exact limit is checked on the normalized bytes below, so
        // that the user form of a path at the limit (a leading and a trailing slash) is still accepted.
        if (decoded.length() > 2 * MAX_PATH_BYTES) {
            throw new BadPathException("path too long");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        int bytes = 0;
        for (int i = 0; i <= decoded.length(); i++) {
            if (i == decoded.length() || decoded.charAt(i) == '/') {
                if (i > start) {
                    String segment = decoded.substring(start, i);
                    checkSegment(segment);
                    bytes += utf8Length(segment) + 1;
                    out.add(segment);
                }
                start = i + 1;
            }
        }
        if (bytes > MAX_PATH_BYTES + 1) {
            throw new BadPathException("path too long");
        }
        return out.isEmpty() ? ROOT : new DfsPath(out.toArray(NO_SEGMENTS));
    }

    /** A {@code FullName} of the wire protocol: the same rules as {@link #of}. */
    public static DfsPath fromWire(String fullName) {
        return of(fullName);
    }

    /**
     * The raw path of a URL (before the query), percent-encoded ASCII, as an HTTP front end passes it on.
     * Any other character is taken as Unicode and encoded as UTF-8 before decoding. A {@code %2F} inside
     * a segment is refused rather than decoded, since it would turn into a separator the client did not
     * write.
     */
    public static DfsPath fromUri(String rawPath) {
        if (rawPath.indexOf('%') < 0 && isAscii(rawPath)) {
            return of(rawPath);
        }
        if (rawPath.length() > 3 * MAX_PATH_BYTES) {
            throw new BadPathException("path too long");
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                int hi = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
                int lo = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new BadPathException("bad percent-encoding");
                }
                int b = hi << 4 | lo;
                if (b == '/') {
                    throw new BadPathException("encoded slash in path");
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Not from the wire (an HTTP front end hands over ASCII): an embedder's Unicode, as UTF-8.
                boolean pair = Character.isHighSurrogate(c) && i + 1 < rawPath.length()
                        && Character.isLowSurrogate(rawPath.charAt(i + 1));
                if (!pair && Character.isSurrogate(c)) {
                    throw new BadPathException("path is not valid UTF-16");
                }
                int end = pair ? i + 2 : i + 1;
                String ch = rawPath.substring(i, end);
                bytes.writeBytes(ch.getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return of(chars.toString());
        } catch (CharacterCodingException e) {
            // The JDK decoder rejects overlong forms too, so %C0%AE never becomes a dot.
            throw new BadPathException("path is not valid UTF-8");
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void checkSegment(String segment) {
        if (segment.equals("..") || segment.equals(".")) {
            throw new BadPathException("'" + segment + "' is not allowed in a path");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadPathException("control character in path");
            }
            if (c == '\\') {
                throw new BadPathException("backslash in path");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < segment.length()
                        && Character.isLowSurrogate(segment.charAt(i + 1));
                if (!paired) {
                    throw new BadPathException("path is not valid UTF-16");
                }
                i++;
            }
        }
        if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
            throw new BadPathException("path segment too long");
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Paths built piece by piece (the scanner, a mount) obey the same limit as parsed ones. */
    private static void checkLength(int wireBytes) {
        if (wireBytes > MAX_PATH_BYTES) {
            throw new BadPathException("path too long");
        }
    }

    /** The length of {@link #wire()} in UTF-8 bytes. */
    private int wireBytes() {
        int n = Math.max(0, segments.length - 1);
        for (String s : segments) {
            n += utf8Length(s);
        }
        return n;
    }

    public boolean isRoot() {
        return segments.length == 0;
    }

    public int depth() {
        return segments.length;
    }

    /** Segment {@code i}, counting from the root. */
    public String segment(int i) {
        return segments[i];
    }

    public List<String> segments() {
        return List.of(segments);
    }

    /** The last segment; the empty string for the root. */
    public String name() {
        return isRoot() ? "" : segments[segments.length - 1];
    }

    /** The parent path; the root is its own parent. */
    public DfsPath parent() {
        return segments.length <= 1 ? ROOT : new DfsPath(Arrays.copyOf(segments, segments.length - 1));
    }

    /** This path with one more segment; {@code name} is checked like any outside segment. */
    public DfsPath child(String name) {
        checkChild(name);
        String[] s = Arrays.copyOf(segments, segments.length + 1);
        s[segments.length] = name;
        return new DfsPath(s);
    }

    /**
     * Checks that {@link #child child(name)} would be a valid path, without building it: a scan checks
     * every name it reads but needs the path only of the directories it goes into.
     */
    public void checkChild(String name) {
        checkSegment(name);
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new BadPathException("not a single path segment");
        }
        // A char is at most three UTF-8 bytes: only a path that could be too long is measured exactly
        // (the scanner builds half a million of these at start-up).
        int chars = segments.length + name.length();
        for (String s : segments) {
            chars += s.length();
        }
        if (3 * chars > MAX_PATH_BYTES) {
            checkLength(wireBytes() + (isRoot() ? 0 : 1) + utf8Length(name));
        }
    }

    /** This path under another: {@code a/b} under {@code x/y} is {@code x/y/a/b}. */
    public DfsPath under(DfsPath prefix) {
        if (prefix.isRoot()) {
            return this;
        }
        if (isRoot()) {
            return prefix;
        }
        checkLength(prefix.wireBytes() + 1 + wireBytes());
        String[] s = Arrays.copyOf(prefix.segments, prefix.segments.length + segments.length);
        System.arraycopy(segments, 0, s, prefix.segments.length, segments.length);
        return new DfsPath(s);
    }

    /** Whether this path is {@code prefix} or lies below it. */
    public boolean startsWith(DfsPath prefix) {
        if (prefix.segments.length > segments.length) {
            return false;
        }
        for (int i = 0; i < prefix.segments.length; i++) {
            if (!segments[i].equals(prefix.segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** This path relative to {@code prefix}, which it must start with. */
    public DfsPath relativeTo(DfsPath prefix) {
        if (!startsWith(prefix)) {
            throw new IllegalArgumentException(this + " is not under " + prefix);
        }
        return prefix.isRoot() ? this
                : new DfsPath(Arrays.copyOfRange(segments, prefix.segments.length, segments.length));
    }

    /** The wire form: no leading slash, the root is empty. */
    public String wire() {
        return String.join("/", segments);
    }

    /** The user form: a leading slash, the root is {@code /}. */
    @Override
    public String toString() {
        return "/" + wire();
    }

    @Override
    public int compareTo(DfsPath o) {
        int n = Math.min(segments.length, o.segments.length);
        for (int i = 0; i < n; i++) {
            int c = segments[i].compareTo(o.segments[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(segments.length, o.segments.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DfsPath p && Arrays.equals(segments, p.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }
}
