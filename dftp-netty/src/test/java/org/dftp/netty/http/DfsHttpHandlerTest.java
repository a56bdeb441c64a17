package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.DfsPath;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.NodeMetrics;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handler alone behind a {@link ChunkedWriteHandler}, fed {@link HttpRequest} objects the way an
 * embedding application's pipeline would: what it writes, that it releases what it is given, and how
 * it holds pipelined requests while another node's file is being proxied.
 */
@ExtendWith(NettyLeaks.class)
class DfsHttpHandlerTest {
    @TempDir
    Path root;
    DfsTree tree;
    final List<Served> remote = new ArrayList<>();
    EmbeddedChannel channel;

    /** One call of the fake proxy, completed by the test. */
    record Served(ChannelHandlerContext ctx, HttpRequest req, DfsPath path, String owner, int hops, Runnable ownCopy,
                  Runnable done) {
        void answer(String body) {
            FullHttpResponse res = new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            HttpResponses.sendFull(ctx, req, res);
            done.run();
        }
    }

    @BeforeEach
    void handler() throws IOException {
        Files.writeString(root.resolve("test.txt"), "Hello from dftp ga!\n");
        Files.write(root.resolve("big.bin"), FileResponseTest.random(100_000, 3));
        Files.writeString(root.resolve("日本.txt"), "nihon\n");
        tree = Trees.fromDisk(root, "ga").apply(List.of(Trees.file("remote.bin", "gb", 10, Trees.CAPTURE_TIME)));
        DfsHttpContext ctx = new DfsHttpContext(() -> tree, "ga", LocalRoot.of(root, DfsPath.ROOT),
                (c, req, path, owner, hops, ownCopy, done) -> remote.add(new Served(c, req, path, owner, hops,
                        ownCopy, done)),
                new NodeMetrics());
        channel = new EmbeddedChannel(new ChunkedWriteHandler(), new DfsHttpHandler(ctx));
    }

    @AfterEach
    void released() {
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ReferenceCountUtil.release(o);
        }
        assertFalse(channel.finish());
    }

    @Test
    void smallFileIsOneFullResponse() {
        channel.writeInbound(get("/fs/test.txt"), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse res = channel.readOutbound();
        try {
            assertEquals(HttpResponseStatus.OK, res.status());
            assertEquals("Hello from dftp ga!\n", res.content().toString(StandardCharsets.UTF_8));
            assertEquals("20", res.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        } finally {
            res.release();
        }
        assertNull(channel.readOutbound());
    }

    @Test
    void largeFileIsHeadersThenAFileRegionThenTheEnd() {
        channel.writeInbound(get("/fs/big.bin"));
        HttpResponse head = channel.readOutbound();
        assertEquals("100000", head.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        FileRegion region = channel.readOutbound();
        try {
            assertEquals(100_000, region.count());
            assertEquals(1, region.refCnt());
        } finally {
            region.release();
        }
        assertSame(LastHttpContent.EMPTY_LAST_CONTENT, channel.readOutbound());
    }

    @Test
    void requestBodyContentIsReleased() {
        ByteBuf body = Unpooled.copiedBuffer("ignored", StandardCharsets.UTF_8);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/fs/test.txt", body);
        HttpContent extra = new DefaultLastHttpContent(Unpooled.copiedBuffer("more", StandardCharsets.UTF_8));
        channel.writeInbound(req, extra);
        assertEquals(0, body.refCnt(), "a FullHttpRequest (behind an aggregator) is released once answered");
        assertEquals(0, extra.refCnt());
        ReferenceCountUtil.release(channel.readOutbound());
    }

    @Test
    void unicodeUriOfAnEmbeddersOwnRequestObjectIsReadAsUtf8() {
        channel.writeInbound(get("/fs/日本.txt"));
        FullHttpResponse res = channel.readOutbound();
        try {
            assertEquals(HttpResponseStatus.OK, res.status());
            assertEquals("nihon\n", res.content().toString(StandardCharsets.UTF_8));
        } finally {
            res.release();
        }
    }

    @Test
    void pipelinedRequestsWaitWhileAnotherNodesFileIsProxiedAndAreAnsweredInOrder() {
        channel.writeInbound(get("/fs/remote.bin?redirN=1"), get("/fs/test.txt"), get("/fs/nope"));
        assertEquals(1, remote.size());
        Served call = remote.get(0);
        assertEquals(DfsPath.of("remote.bin"), call.path());
        assertEquals("gb", call.owner());
        assertEquals(1, call.hops());
        assertNull(channel.readOutbound(), "nothing may overtake the proxied response");
        assertFalse(channel.config().isAutoRead(), "reading stops while requests queue up");

        call.answer("from gb");
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            FullHttpResponse r = assertInstanceOf(FullHttpResponse.class, o);
            statuses.add(r.status().code());
            bodies.add(r.content().toString(StandardCharsets.UTF_8));
            r.release();
        }
        assertEquals(List.of(200, 200, 404), statuses);
        assertEquals("from gb", bodies.get(0));
        assertEquals("Hello from dftp ga!\n", bodies.get(1));
        assertTrue(channel.config().isAutoRead(), "reading resumes once the queue is empty");
    }

    @Test
    void secondProxiedRequestInTheQueueWaitsForItsOwnTurn() {
        channel.writeInbound(get("/fs/remote.bin"), get("/fs/remote.bin"), get("/fs/test.txt"));
        assertEquals(1, remote.size());
        remote.get(0).answer("first");
        assertEquals(2, remote.size(), "the queue resumes with the next proxied request");
        assertFalse(channel.config().isAutoRead());
        ReferenceCountUtil.release(channel.readOutbound());
        assertNull(channel.readOutbound());
        remote.get(1).answer("second");
        FullHttpResponse second = channel.readOutbound();
        FullHttpResponse local = channel.readOutbound();
        assertEquals("second", second.content().toString(StandardCharsets.UTF_8));
        assertEquals(200, local.status().code());
        second.release();
        local.release();
        assertTrue(channel.config().isAutoRead());
    }

    @ParameterizedTest(name = "redirN={0}")
    @ValueSource(strings = {"-1", "101", "x", "99999999999"})
    void badHopCountIs400AndNotProxied(String hops) {
        channel.writeInbound(get("/fs/remote.bin?redirN=" + hops));
        FullHttpResponse res = channel.readOutbound();
        assertEquals(400, res.status().code());
        res.release();
        assertTrue(remote.isEmpty());
    }

    @Test
    void failureInsideTheHandlerIs500AndCloses() {
        DfsHttpContext broken = DfsHttpContext.local(() -> {
            throw new IllegalStateException("no tree");
        }, "ga", null);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler(), new DfsHttpHandler(broken));
        ch.writeInbound(get("/fs/test.txt"));
        FullHttpResponse res = ch.readOutbound();
        assertEquals(500, res.status().code());
        res.release();
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void idleConnectionIsClosed() {
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(channel.isOpen());
    }

    @Test
    void exceptionClosesTheConnection() {
        channel.pipeline().fireExceptionCaught(new IOException("connection reset by peer"));
        assertFalse(channel.isOpen());
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }
}
