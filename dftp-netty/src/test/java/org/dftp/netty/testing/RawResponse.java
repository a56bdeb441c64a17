package org.dftp.netty.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response as it came off the wire, parsed strictly enough to catch framing mistakes: the
 * body is exactly what {@code Content-Length} or the chunked coding delimits, so a wrong length shows
 * up as garbage in front of the next response.
 *
 * @param status the status code
 * @param headers header names in lower case, each with its values in order
 * @param body the body, de-chunked
 * @param chunked whether the body came with {@code Transfer-Encoding: chunked}
 */
public record RawResponse(int status, Map<String, List<String>> headers, byte[] body, boolean chunked) {

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Reads the next response from {@code in}.
     *
     * @param method the request's method: a {@code HEAD} response has no body
     * @return null when the stream ends before a status line starts
     */
    public static RawResponse read(InputStream in, String method) throws IOException {
        return read(in, method, true);
    }

    /** Reads the status line and headers of the next response and leaves its body in {@code in}. */
    public static RawResponse readHead(InputStream in) throws IOException {
        return read(in, "HEAD", false);
    }

    private static RawResponse read(InputStream in, String method, boolean withBody) throws IOException {
        String statusLine = line(in, true);
        if (statusLine == null) {
            return null;
        }
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in, false); !h.isEmpty(); h = line(in, false)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + h);
            }
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        boolean chunked = te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked");
        if (chunked && cl != null) {
            throw new IOException("both Transfer-Encoding and Content-Length in a response");
        }
        if (!withBody || "HEAD".equals(method) || status / 100 == 1 || status == 204 || status == 304) {
            return new RawResponse(status, headers, new byte[0], chunked);
        }
        if (chunked) {
            return new RawResponse(status, headers, chunks(in), true);
        }
        if (cl != null) {
            if (cl.size() != 1) {
                throw new IOException("several Content-Length headers: " + cl);
            }
            return new RawResponse(status, headers, exactly(in, Long.parseLong(cl.get(0))), false);
        }
        return new RawResponse(status, headers, in.readAllBytes(), false); // delimited by the close
    }

    /** Parses every response in {@code bytes}, one per method given, and fails on anything left over. */
    public static List<RawResponse> readAll(byte[] bytes, String... methods) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        List<RawResponse> out = new ArrayList<>();
        for (String m : methods) {
            RawResponse r = read(in, m);
            if (r == null) {
                throw new EOFException("only " + out.size() + " of " + methods.length + " responses");
            }
            out.add(r);
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes after the last response: "
                    + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, false);
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!line(in, false).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(exactly(in, size));
            if (!line(in, false).isEmpty()) {
                throw new IOException("chunk longer than its size line says");
            }
        }
    }

    /** One CRLF-terminated line in ISO-8859-1; null at a clean end of stream when {@code eofOk}. */
    private static String line(InputStream in, boolean eofOk) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofOk && b.length() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line: " + b);
            }
            if (c == '\n') {
                if (b.length() == 0 || b.charAt(b.length() - 1) != '\r') {
                    throw new IOException("bare LF in the response head after: " + b);
                }
                b.setLength(b.length() - 1);
                return b.toString();
            }
            b.append((char) c);
        }
    }

    private static byte[] exactly(InputStream in, long n) throws IOException {
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException("body of " + n + " bytes is too large for a test");
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length != n) {
            throw new EOFException("body ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
