package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.RawClient;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.TestServer;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range abuse (the hostile-input suite, docs/RELIABILITY.md) against a started node: a thousand ranges,
 * overlapping ones, empty, reversed and huge ones. Only one satisfiable range is ever honoured (206); several,
 * or one not understood, mean the whole file (200, RFC 9110 14.2 lets a server ignore Range); an
 * unsatisfiable one is 416. No answer is ever longer than the file: no multipart amplification.
 * {@link ByteRangePropertiesTest} checks the same of any header at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.extension.ExtendWith(org.dftp.netty.testing.NettyLeaks.class)
@Timeout(30)
class RangeAbuseTest {
    private static final int SIZE = 1000;

    @TempDir
    static Path root;
    private byte[] file;
    private TestServer server;

    @BeforeAll
    void node() throws Exception {
        file = new byte[SIZE];
        new Random(7).nextBytes(file);
        Files.write(root.resolve("f.bin"), file);
        Files.write(root.resolve("big.bin"), new byte[100_000]);
        DfsTree tree = Trees.fromDisk(root, "ga");
        server = TestServer.start(TestServer.Transport.NIO, DfsHttpContext.local(() -> tree, "ga",
                LocalRoot.of(root, DfsPath.ROOT)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static Stream<Arguments> abuse() {
        return Stream.of(
                Arguments.of("bytes=" + String.join(",", java.util.Collections.nCopies(1000, "0-0")), 200),
                Arguments.of("bytes=" + String.join(",", java.util.Collections.nCopies(1000, "0-999")), 200),
                Arguments.of("bytes=0-999,0-999,0-999", 200),
                Arguments.of("bytes=0-500,400-999,100-800", 200),
                Arguments.of("bytes=0-0,-1", 200),
                Arguments.of("bytes=-0", 416),
                Arguments.of("bytes=5-1", 416),
                Arguments.of("bytes=999-0", 416),
                Arguments.of("bytes=1000-", 416),
                Arguments.of("bytes=99999999999999999-", 416),
                Arguments.of("bytes=999999999999999999999999999-", 200),
                Arguments.of("bytes=0-999999999999999999999999999", 200),
                Arguments.of("bytes=0-99999999999999999", 206),
                Arguments.of("bytes=-99999999999999999", 206),
                Arguments.of("bytes=-9223372036854775808", 200),
                Arguments.of("bytes=9223372036854775807-9223372036854775807", 200),
                Arguments.of("bytes=--1", 200),
                Arguments.of("bytes=-1-2", 200),
                Arguments.of("bytes=0x0-0x10", 200),
                Arguments.of("bytes=1e3-", 200),
                Arguments.of("bytes=\u0000-1", 400),
                Arguments.of("bytes=,", 200),
                Arguments.of("bytes=", 200),
                Arguments.of("items=0-1", 200),
                Arguments.of("bytes=0-1;0-2", 200),
                Arguments.of("bytes=10-19", 206),
                Arguments.of("bytes=-10", 206));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("abuse")
    void answersAsRfc9110AndNeverMoreThanTheFile(String range, int status) throws Exception {
        for (String method : List.of("GET", "HEAD")) {
            try (RawClient c = new RawClient(server.port())) {
                c.request(method, "/fs/f.bin", "Range: " + range);
                RawResponse res = c.read(method);
                assertEquals(status, res.status(), method + " " + range);
                long length = Long.parseLong(res.header("Content-Length"));
                assertTrue(length <= SIZE, "Content-Length " + length);
                assertTrue(res.body().length <= SIZE, "body of " + res.body().length);
                if (method.equals("HEAD")) {
                    continue;
                }
                switch (status) {
                    case 200 -> assertArrayEquals(file, res.body());
                    case 206 -> {
                        String[] cr = res.header("Content-Range").substring("bytes ".length()).split("[-/]");
                        int from = Integer.parseInt(cr[0]);
                        int to = Integer.parseInt(cr[1]);
                        assertEquals(String.valueOf(SIZE), cr[2]);
                        assertArrayEquals(Arrays.copyOfRange(file, from, to + 1), res.body());
                    }
                    case 416 -> assertEquals("bytes */" + SIZE, res.header("Content-Range"));
                    default -> assertTrue(res.text().startsWith("bad request: "), res.text());
                }
            }
        }
    }

    @Test
    void aRangeHeaderOverTheHeaderLimitIs431AndTheConnectionCloses() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.request("GET", "/fs/f.bin", "Range: bytes=" + "0-0,".repeat(5000) + "0-0");
            assertEquals(431, c.read("GET").status());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aThousandPipelinedRangeRequestsCostNoMoreThanTheirRanges() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            b.append("GET /fs/big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=")
                    .append(String.join(",", java.util.Collections.nCopies(50, "0-0"))).append("\r\n\r\n");
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send(b.toString());
            long total = 0;
            for (int i = 0; i < 1000; i++) {
                RawResponse res = c.read("GET");
                assertEquals(200, res.status());
                total += res.body().length;
            }
            assertEquals(1000L * 100_000, total, "each answer is the file once, never 50 parts");
        }
    }
}
