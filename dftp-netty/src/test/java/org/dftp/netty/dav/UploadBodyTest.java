package org.dftp.netty.dav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.dftp.core.DfsPath;
import org.dftp.core.auth.User;
import org.dftp.core.local.LocalRoot;
import org.dftp.core.write.LocalWrites;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload sink, with the writer thread under the test's control (the embedded channel's loop, run by
 * hand): every buffer it took is given back whichever way the upload ends.
 */
@ExtendWith(NettyLeaks.class)
class UploadBodyTest {
    @TempDir
    Path dir;

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    private UploadBody upload(String path) throws Exception {
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/fs/" + path);
        DavExchange ex = new DavExchange(ctx, req, DfsPath.of(path), new User("alice", true, DfsPath.ROOT), 0, () -> { });
        LocalWrites writes = new LocalWrites(LocalRoot.of(dir, DfsPath.ROOT), changed -> { });
        return new UploadBody(ex, writes, DfsPath.of(path), 0, Long.MAX_VALUE, channel.eventLoop());
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void piecesGatheredBeforeTheDiskRefusedAreReleased() throws Exception {
        UploadBody body = upload("missing/f.txt");
        ByteBuf first = bytes("first piece");
        body.content(new DefaultHttpContent(first));
        assertEquals(1, first.refCnt(), "held by the batch, waiting for more");

        channel.runPendingTasks(); // the writer thread opens the upload: the parent is missing
        FullHttpResponse res = channel.readOutbound();
        assertNotNull(res);
        assertEquals(409, res.status().code());
        res.release();

        ByteBuf last = bytes("last piece");
        body.content(new DefaultLastHttpContent(last));
        channel.runPendingTasks();
        assertEquals(0, last.refCnt());
        assertEquals(0, first.refCnt(), "the batch went with the refusal");
        assertFalse(channel.finish());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void anUploadThatCompletesWritesItsPiecesAndReleasesThem() throws Exception {
        UploadBody body = upload("f.txt");
        ByteBuf first = bytes("one ");
        ByteBuf last = bytes("two");
        body.content(new DefaultHttpContent(first));
        body.content(new DefaultLastHttpContent(last));
        channel.runPendingTasks();
        FullHttpResponse res = channel.readOutbound();
        assertEquals(201, res.status().code());
        res.release();
        assertEquals(0, first.refCnt());
        assertEquals(0, last.refCnt());
        assertEquals("one two", Files.readString(dir.resolve("f.txt")));
        assertFalse(channel.finish());
    }

    @Test
    void anAbortReleasesTheBatchAndRemovesTheTempFile() throws Exception {
        UploadBody body = upload("f.txt");
        channel.runPendingTasks();
        ByteBuf first = bytes("cut off");
        body.content(new DefaultHttpContent(first));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(LocalRoot.TEMP_PREFIX)));
        }
        body.abort();
        channel.runPendingTasks();
        assertEquals(0, first.refCnt());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
        assertFalse(channel.finish());
    }
}
