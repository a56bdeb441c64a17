package org.dftp.core.access;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line of nginx's combined log format:
 * {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"}.
 * A missing value is {@code -}. Every field is escaped as nginx escapes variables: {@code "}, {@code \},
 * control characters and every byte above 126 become {@code \xHH}, so no header can end the line early
 * or forge a second one.
 *
 * <p>Strings are taken as HTTP/1 header values are decoded: one char per byte (ISO-8859-1), so the bytes
 * the client sent are what is escaped; a char above 255 is escaped as its UTF-8 bytes. Called on whatever
 * thread finished the request (an event loop, an FTP transfer thread); it keeps no state.
 *
 * @param remoteAddr the client's address
 * @param remoteUser the authenticated user, or null
 * @param time when the request ended
 * @param request the request line, e.g. {@code GET /fs/a HTTP/1.1}, or null when there was none
 * @param status the status sent (the reply code for FTP)
 * @param bodyBytes bytes of the body that went out to the client
 * @param referer the {@code Referer} header, or null
 * @param userAgent the {@code User-Agent} header, or null
 */
public record AccessLine(String remoteAddr, String remoteUser, ZonedDateTime time, String request, int status,
                         long bodyBytes, String referer, String userAgent) {
    /** nginx's {@code $time_local}: {@code 07/Dec/2026:16:05:01 +0000}. */
    static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The line, without its line end. */
    public String format() {
        StringBuilder b = new StringBuilder(160);
        field(b, remoteAddr).append(" - ");
        field(b, remoteUser).append(" [").append(TIME_LOCAL.format(time)).append("] \"");
        field(b, request).append("\" ").append(status).append(' ').append(bodyBytes).append(" \"");
        field(b, referer).append("\" \"");
        field(b, userAgent).append('"');
        return b.toString();
    }

    /** {@code value} escaped, or {@code -} when it is null or empty. */
    static StringBuilder field(StringBuilder b, String value) {
        if (value == null || value.isEmpty()) {
            return b.append('-');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                int end = Character.isHighSurrogate(c) && i + 1 < value.length() ? i + 2 : i + 1;
                for (byte x : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    hex(b, x & 0xFF);
                }
                i = end - 1;
            } else if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                hex(b, c);
            } else {
                b.append(c);
            }
        }
        return b;
    }

    private static void hex(StringBuilder b, int octet) {
        b.append("\\x").append(HEX[octet >> 4]).append(HEX[octet & 0xF]);
    }
}
