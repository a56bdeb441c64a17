package org.dftp.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The golden captures of the original Go implementation (src/test/resources/go-dftp/), as test data for
 * every module: the test-jar carries this class and the files.
 */
public final class GoCaptures {
    private GoCaptures() {
    }

    /** A captured HTTP request: request line, headers (names lower-cased), and the body. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The raw bytes of a capture file. */
    public static byte[] bytes(String name) {
        try (InputStream in = GoCaptures.class.getResourceAsStream("/go-dftp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no capture /go-dftp/" + name + " on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A capture file as text. */
    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /**
     * A captured request. The capture has blank lines between the headers and the body; the body is
     * exactly {@code Content-Length} bytes from its first non-blank line.
     */
    public static Request request(String name) {
        String all = text(name);
        int end = all.indexOf("\n\n");
        String[] head = all.substring(0, end).split("\n");
        String[] requestLine = head[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
        }
        int bodyStart = end;
        while (bodyStart < all.length() && all.charAt(bodyStart) == '\n') {
            bodyStart++;
        }
        byte[] rest = all.substring(bodyStart).getBytes(StandardCharsets.UTF_8);
        int length = Integer.parseInt(headers.get("content-length"));
        return new Request(requestLine[0], requestLine[1], headers, Arrays.copyOf(rest, length));
    }

    /** The body of full-update-request.txt: 623 bytes, the JSON and Go's final newline. */
    public static byte[] fullUpdateBody() {
        return request("full-update-request.txt").body();
    }

    /**
     * Asserts that {@code actual} has the shape of {@code expected}: the same field names in the same
     * order and the same JSON type for every value (integers stay integers), recursively; every element
     * of an array is compared with the first expected element.
     */
    public static void assertSameShape(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.getNodeType(), actual.getNodeType(), "type at " + where);
        if (expected.isObject()) {
            List<String> e = new ArrayList<>();
            expected.fieldNames().forEachRemaining(e::add);
            List<String> a = new ArrayList<>();
            actual.fieldNames().forEachRemaining(a::add);
            if (where.endsWith(".Peers")) {
                // a map keyed by node name: compare each value with the first expected one
                for (String f : a) {
                    assertSameShape(expected.get(e.get(0)), actual.get(f), where + "." + f);
                }
                return;
            }
            assertEquals(e, a, "fields at " + where);
            for (String f : e) {
                assertSameShape(expected.get(f), actual.get(f), where + "." + f);
            }
        } else if (expected.isArray() && expected.size() > 0) {
            for (int i = 0; i < actual.size(); i++) {
                assertSameShape(expected.get(0), actual.get(i), where + "[" + i + "]");
            }
        } else if (expected.isNumber()) {
            assertEquals(expected.isIntegralNumber(), actual.isIntegralNumber(), "integer at " + where);
        }
    }

    /** The form body of greeting-request.txt, 88 bytes. */
    public static String greetingBody() {
        return request("greeting-request.txt").bodyText();
    }
}
