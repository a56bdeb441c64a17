package org.dftp.netty.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code application/x-www-form-urlencoded} the way Go's {@code net/url} writes and reads it, so that a
 * greeting we send is byte for byte the original's (dftp-core/src/test/resources/go-dftp/greeting-request.txt) and a form we
 * receive means what it meant to the original.
 *
 * <p>Encoding is {@code url.Values.Encode}: keys sorted, {@code QueryEscape} on keys and values (letters,
 * digits and {@code -_.~} stay, a space becomes {@code +}, everything else {@code %XX} of its UTF-8).
 * Decoding is {@code url.ParseQuery}: pairs split on {@code &}, {@code +} is a space, a key may repeat;
 * unlike Go, what is not UTF-8 is refused, so that no name or address is made of U+FFFD.
 */
final class Form {
    private final Map<String, List<String>> values;

    private Form(Map<String, List<String>> values) {
        this.values = values;
    }

    static Form empty() {
        return new Form(Map.of());
    }

    /** The first value of {@code key}, or the empty string (Go's {@code FormValue}). */
    String first(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    /** Every value of {@code key}, in order. */
    List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** This form's values followed by {@code other}'s, as Go's {@code r.Form} puts the body before the query. */
    Form then(Form other) {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        values.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        other.values.forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        return new Form(merged);
    }

    /**
     * Parses a form body or a raw query string.
     *
     * @throws IllegalArgumentException on a malformed {@code %} escape, with a message for the client
     */
    static Form parse(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new Form(out);
    }

    /**
     * Parses a form body: its bytes must be UTF-8, as every value decoded from it must.
     *
     * @throws IllegalArgumentException on bytes or escapes that are not UTF-8, or a malformed {@code %} escape
     */
    static Form parseBody(byte[] body) {
        return parse(utf8(body));
    }

    /** {@code bytes} as UTF-8, refused rather than patched with U+FFFD: a name made of replacement characters is no name. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("form data is not valid UTF-8");
        }
    }

    /** Encodes {@code fields} as Go's {@code url.Values.Encode} does: sorted by key. */
    static String encode(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            escape(e.getKey(), sb);
            sb.append('=');
            escape(e.getValue(), sb);
        }
        return sb.toString();
    }

    private static void escape(String s, StringBuilder sb) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid URL escape in form data");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return utf8(out.toByteArray());
    }

    Map<String, List<String>> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
