package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Range} header resolution against a file size: a single satisfiable range, the whole file, or 416. */
class ByteRangeTest {

    @ParameterizedTest(name = "{0} of {1} bytes")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // header                  | size | start | length | partial | satisfiable | Content-Range
            "null                      | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=0-3                 | 100  | 0     | 4      | true    | true        | bytes 0-3/100",
            "bytes=5-                  | 100  | 5     | 95     | true    | true        | bytes 5-99/100",
            "bytes=-4                  | 100  | 96    | 4      | true    | true        | bytes 96-99/100",
            "bytes=-1000               | 100  | 0     | 100    | true    | true        | bytes 0-99/100",
            "bytes=0-99999999999999999 | 100  | 0     | 100    | true    | true        | bytes 0-99/100",
            "' bytes = 1-2 '           | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "Bytes=1-2                 | 100  | 1     | 2      | true    | true        | bytes 1-2/100",
            "bytes=1-2,4-5             | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=3-1                 | 100  | 0     | 0      | true    | false       | bytes */100",
            "bytes=+1-2                | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=1-2x                | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=1                   | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=-                   | 100  | 0     | 100    | false   | true        | bytes 0-99/100",
            "bytes=99999999999999999999- | 100 | 0    | 100    | false   | true        | bytes 0-99/100",
            "bytes=100-                | 100  | 0     | 0      | true    | false       | bytes */100",
            "bytes=-0                  | 100  | 0     | 0      | true    | false       | bytes */100",
            "bytes=0-0                 | 0    | 0     | 0      | true    | false       | bytes */0",
            "bytes=-5                  | 0    | 0     | 0      | true    | false       | bytes */0",
            "bytes=0-                  | 1    | 0     | 1      | true    | true        | bytes 0-0/1"})
    void resolvesAgainstTheFileSize(String header, long size, long start, long length, boolean partial,
                                    boolean satisfiable, String contentRange) {
        ByteRange r = ByteRange.parse(header, size);
        assertEquals(new ByteRange(start, length, partial, satisfiable), r);
        assertEquals(contentRange, r.contentRange(size));
    }
}
