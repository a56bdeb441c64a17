package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.LoginThrottle;
import org.dftp.core.auth.PasswordHash;
import org.dftp.core.auth.Users;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.testing.AccessLogFile;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.NodeConfig;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.testing.EmbeddedHttp;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.RawResponse;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -access-log} on the production public pipeline, on an EmbeddedChannel: a line per request with the
 * status and body bytes that went out, whichever handler answered, for keep-alive and pipelined requests
 * alike, with the Basic user once authenticated and never a password.
 */
@ExtendWith(NettyLeaks.class)
class AccessLogHandlerTest {
    private static final byte[] BIG = FileResponseTest.random(100_000, 5);

    @TempDir
    Path root;
    @TempDir
    Path etc;
    private AccessLogFile accessLog;
    private ExecutorService verifier;
    private EmbeddedHttp http;

    @BeforeEach
    void pipeline() throws IOException {
        Files.writeString(root.resolve("test.txt"), "Hello from dftp ga!\n");
        Files.write(root.resolve("big.bin"), BIG);
        DfsTree tree = Trees.fromDisk(root, "ga");
        Path usersFile = Files.writeString(etc.resolve("users"),
                "alice:" + PasswordHash.hash("s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS) + ":read\n");
        verifier = Executors.newSingleThreadExecutor();
        Access access = new Access(Users.load(usersFile), true, new LoginThrottle(), a -> false, verifier);
        DfsHttpContext context = new DfsHttpContext(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT),
                RemoteFiles.NONE, new NodeMetrics(), access, null);
        accessLog = AccessLogFile.in(etc);
        http = new EmbeddedHttp(new PublicHttpInitializer(context, null, NodeConfig.Limits.DEFAULTS, accessLog.log));
    }

    @AfterEach
    void close() {
        assertFalse(http.channel.finish());
        verifier.shutdownNow();
        accessLog.close();
    }

    /** The lines, once there are {@code n}; an EmbeddedChannel has no IP address, so the client is {@code -}. */
    private List<String> lines(int n) throws Exception {
        return accessLog.awaitTimeless(n);
    }

    @Test
    void aFileSentWithSendfileIsLoggedWithItsStatusAndBodyBytes() throws Exception {
        RawResponse res = http.get("/fs/big.bin", "User-Agent: curl/8.5.0", "Referer: http://example.com/list");
        assertEquals(200, res.status());
        assertEquals(1, http.fileRegions);
        assertEquals(List.of("- - - [T] \"GET /fs/big.bin HTTP/1.1\" 200 100000 \"http://example.com/list\" \"curl/8.5.0\""),
                lines(1));
    }

    @Test
    void aMissingFileIsLoggedAs404WithTheBytesOfItsBody() throws Exception {
        RawResponse res = http.get("/fs/missing.txt");
        assertEquals(404, res.status());
        assertEquals(List.of("- - - [T] \"GET /fs/missing.txt HTTP/1.1\" 404 " + res.body().length + " \"-\" \"-\""),
                lines(1));
        assertTrue(res.body().length > 0);
    }

    @Test
    void aHeadSendsNoBodyAndLogsNone() throws Exception {
        RawResponse res = http.request("HEAD", "/fs/big.bin");
        assertEquals(200, res.status());
        assertEquals("100000", res.header("Content-Length"));
        assertEquals(List.of("- - - [T] \"HEAD /fs/big.bin HTTP/1.1\" 200 0 \"-\" \"-\""), lines(1));
    }

    @Test
    void keepAliveAndPipelinedRequestsEachGetTheirOwnLine() throws Exception {
        http.get("/fs/test.txt");
        byte[] out = http.exchange("GET /fs/big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /nothing-here HTTP/1.1\r\nHost: t\r\n\r\n"
                + "HEAD /fs/test.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        List<RawResponse> responses = RawResponse.readAll(out, "GET", "GET", "HEAD");
        assertEquals(3, responses.size());
        assertEquals(List.of(
                "- - - [T] \"GET /fs/test.txt HTTP/1.1\" 200 20 \"-\" \"-\"",
                "- - - [T] \"GET /fs/big.bin HTTP/1.1\" 200 100000 \"-\" \"-\"",
                "- - - [T] \"GET /nothing-here HTTP/1.1\" 404 " + responses.get(1).body().length + " \"-\" \"-\"",
                "- - - [T] \"HEAD /fs/test.txt HTTP/1.1\" 200 0 \"-\" \"-\""), lines(4));
    }

    @Test
    void hostileHeaderBytesAreEscapedAndCannotCloseTheField() throws Exception {
        http.get("/fs/test.txt", "User-Agent: x\" 200 0 \"-\" \"\u00e9\\", "Referer: \"");
        String line = lines(1).get(0);
        assertEquals("- - - [T] \"GET /fs/test.txt HTTP/1.1\" 200 20 \"\\x22\" \"x\\x22 200 0 \\x22-\\x22 \\x22\\xE9\\x5C\"",
                line);
        assertEquals(6, line.chars().filter(c -> c == '"').count(), line);
    }

    @Test
    void aRequestTheCodecRefusesIsLoggedWithItsStatusAndNothingBehindIt() throws Exception {
        // A control character in a header value: the codec's 400, which no handler behind it wrote.
        // The request pipelined behind it is never served: no line for it, not even a 499.
        RawResponse res = EmbeddedHttp.only(http.exchange("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\n"
                + "User-Agent: \u001b[2J\r\n\r\nGET /fs/big.bin HTTP/1.1\r\nHost: t\r\n\r\n"), "GET");
        assertEquals(400, res.status());
        assertFalse(http.channel.isOpen());
        assertEquals(List.of("- - - [T] \"GET /fs/test.txt HTTP/1.1\" 400 " + res.body().length + " \"-\" \"-\""),
                lines(1));
    }

    @Test
    void aRequestLineTheCodecCouldNotReadIsLoggedAsADash() throws Exception {
        // Not the codec's stand-in "GET /bad-request HTTP/1.0", which the client never sent.
        RawResponse tooLong = EmbeddedHttp.only(http.exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n"),
                "GET");
        assertEquals(414, tooLong.status());
        assertEquals(List.of("- - - [T] \"-\" 414 " + tooLong.body().length + " \"-\" \"-\""), lines(1));
    }

    @Test
    void headersThatNeverEndGetA408LineWithoutARequest() throws Exception {
        http.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("GET /fs/test.txt HTTP/1.1\r\nHost: t\r\n",
                StandardCharsets.ISO_8859_1));
        http.channel.advanceTimeBy(61, java.util.concurrent.TimeUnit.SECONDS);
        http.channel.runPendingTasks();
        http.channel.runScheduledPendingTasks();
        RawResponse res = EmbeddedHttp.only(http.drain(), "GET");
        assertEquals(408, res.status());
        assertEquals(List.of("- - - [T] \"-\" 408 " + res.body().length + " \"-\" \"-\""), lines(1));
    }

    @Test
    void aClientThatLeavesBeforeTheAnswerIsLogged499() throws Exception {
        // The password check runs on another thread: the request is still unanswered when the client goes.
        String good = java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        verifier.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "GET /fs/big.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Basic " + good + "\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        http.channel.close();
        hold.countDown();
        assertEquals(List.of("- - - [T] \"GET /fs/big.bin HTTP/1.1\" 499 0 \"-\" \"-\""), lines(1));
    }

    @Test
    void theBasicUserIsLoggedOnceAuthenticatedAndNeverItsPassword() throws Exception {
        String good = java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        String bad = java.util.Base64.getEncoder().encodeToString("mallory:guess".getBytes(StandardCharsets.UTF_8));
        http.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nAuthorization: Basic " + good + "\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        awaitResponses(1);
        http.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "GET /fs/test.txt HTTP/1.1\r\nHost: t\r\nAuthorization: Basic " + bad + "\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        awaitResponses(2);
        List<String> lines = lines(2);
        assertEquals("- - alice [T] \"GET /fs/test.txt HTTP/1.1\" 200 20 \"-\" \"-\"", lines.get(0));
        assertTrue(lines.get(1).startsWith("- - - [T] \"GET /fs/test.txt HTTP/1.1\" 401 "), lines.get(1));
        String all = String.join("\n", accessLog.lines());
        assertFalse(all.contains("s3cret") || all.contains(good) || all.contains("guess") || all.contains("mallory")
                || all.contains("Basic"), all);
    }

    private int seen;

    /** Runs the event loop's tasks until {@code n} responses in all came out (the password check runs elsewhere). */
    private void awaitResponses(int n) throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (seen < n && System.currentTimeMillis() < end) {
            http.channel.runPendingTasks();
            http.channel.runScheduledPendingTasks();
            byte[] b = http.drain();
            out.write(b);
            if (b.length > 0) {
                seen++;
            }
            Thread.sleep(5);
        }
        assertEquals(n, seen, "responses");
    }
}
