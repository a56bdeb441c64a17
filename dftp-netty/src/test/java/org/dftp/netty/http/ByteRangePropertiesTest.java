package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link ByteRange} against its contract (the hostile-input suite, docs/RELIABILITY.md): whatever the
 * {@code Range} header, the answer is the whole file, one non-empty range inside it, or unsatisfiable; never
 * anything that reaches beyond the file, so no response is larger than the file.
 */
class ByteRangePropertiesTest {
    /** Range headers made of the pieces of the grammar and of its abuses. */
    @Provide
    Arbitrary<String> ranges() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("bytes=", "Bytes=", "bytes =", "-", ",", " ", "0", "1", "999", "1000", "1001",
                        "99999999999999999", "9223372036854775807", "9223372036854775808",
                        "99999999999999999999999", "+", "x", "\t", ";"),
                Arbitraries.longs().between(0, 2000).map(String::valueOf));
        return piece.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Property
    void anyRangeIsTheWholeFileOneRangeInsideItOrUnsatisfiable(@ForAll("ranges") String header,
                                                                 @ForAll @LongRange(min = 0, max = 5000) long size) {
        check(ByteRange.parse(header, size), size);
    }

    @Property
    void anyStringAtAllToo(@ForAll String header, @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long size) {
        check(ByteRange.parse(header, size), size);
    }

    private static void check(ByteRange r, long size) {
        if (!r.satisfiable()) {
            assertEquals("bytes */" + size, r.contentRange(size));
            return;
        }
        if (!r.partial()) {
            assertEquals(ByteRange.whole(size), r);
            return;
        }
        assertTrue(r.start() >= 0 && r.length() > 0 && r.start() + r.length() <= size, r::toString);
    }
}
