package org.dftp.netty.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Date;

/**
 * HTTP dates without formatting one per response: the {@code Date} header changes once a second and
 * is shared (as nginx caches its time), and each event loop remembers the last {@code Last-Modified}
 * it formatted, since a busy file is asked for again and again.
 */
final class HttpDates {
    private static volatile Stamp now = new Stamp(-1, AsciiString.EMPTY_STRING);
    private static final FastThreadLocal<Stamp> LAST_MODIFIED = new FastThreadLocal<>() {
        @Override
        protected Stamp initialValue() {
            return new Stamp(Long.MIN_VALUE, AsciiString.EMPTY_STRING);
        }
    };

    private HttpDates() {
    }

    /** The current time as an HTTP date. */
    static AsciiString now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = now;
        if (s.second != second) {
            s = new Stamp(second, format(second));
            now = s;
        }
        return s.text;
    }

    /** A time in Unix seconds as an HTTP date. */
    static AsciiString of(long second) {
        Stamp s = LAST_MODIFIED.get();
        if (s.second != second) {
            s = new Stamp(second, format(second));
            LAST_MODIFIED.set(s);
        }
        return s.text;
    }

    private static AsciiString format(long second) {
        return AsciiString.cached(DateFormatter.format(new Date(second * 1000)));
    }

    private record Stamp(long second, AsciiString text) {
    }
}
