package org.dftp.netty.http;

/** The request target as the handler reads it. */
public final class RequestTarget {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestTarget() {
    }

    /**
     * The target in ASCII, every other character percent-encoded as the bytes it stands for.
     *
     * <p>{@code HttpServerCodec} turns each byte of the request line into one char (ISO-8859-1), so the
     * raw UTF-8 that curl and wget send for a name such as {@code é} arrives as the two chars
     * {@code Ã©}. Encoded back to {@code %C3%A9}, it then decodes as UTF-8 like any percent-encoded name,
     * through the one path check in {@code DfsPath.fromUri}, and redirects carry a valid ASCII
     * {@code Location}. A char above {@code 0xFF} cannot come off the wire; it comes from an embedder's
     * own request object and is encoded as UTF-8.
     */
    static String ascii(String target) {
        int i = 0;
        while (i < target.length() && target.charAt(i) < 0x80) {
            i++;
        }
        if (i == target.length()) {
            return target;
        }
        StringBuilder b = new StringBuilder(target.length() + 16).append(target, 0, i);
        for (; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x80) {
                b.append(c);
            } else if (c <= 0xFF) {
                percent(b, c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < target.length() ? i + 2 : i + 1;
                for (byte x : target.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    percent(b, x & 0xFF);
                }
                i = end - 1;
            }
        }
        return b.toString();
    }

    /**
     * The origin form ({@code /path?query}) of a request target. RFC 9112 3.2.2 makes a server accept the
     * absolute form too ({@code http://host:port/path?query}), which proxies and some clients send; its
     * scheme and authority are dropped, since the Host header says the same and this server has one host.
     */
    public static String originForm(String target) {
        int scheme = target.startsWith("/") ? -1 : target.indexOf("://");
        if (scheme <= 0 || !target.regionMatches(true, 0, "http", 0, 4)) {
            return target;
        }
        String afterScheme = target.substring(scheme + 3);
        int path = indexOfAny(afterScheme, "/?#");
        if (path < 0) {
            return "/";
        }
        return afterScheme.charAt(path) == '/' ? afterScheme.substring(path) : "/" + afterScheme.substring(path);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static void percent(StringBuilder b, int octet) {
        b.append('%').append(HEX[octet >> 4]).append(HEX[octet & 15]);
    }
}
