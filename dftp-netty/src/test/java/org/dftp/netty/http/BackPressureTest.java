package org.dftp.netty.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.DfsTree;
import org.dftp.netty.testing.NettyLeaks;
import org.dftp.netty.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A generated body (every listing format, {@code /find/}) is produced only as the channel takes it: over a
 * channel whose peer does not read, the node queues about one write buffer and one piece, however large the
 * listing, and generates the rest piece by piece as the channel drains. The "socket" here is a gate in front
 * of the EmbeddedChannel's head that holds flushes back, so that written bytes stay pending and count
 * against the water marks as they would on a full socket.
 */
@ExtendWith(NettyLeaks.class)
class BackPressureTest {
    private static final int LOW = 8 * 1024;
    private static final int HIGH = 32 * 1024;

    private final FlushGate gate = new FlushGate();
    private DfsTree tree;
    private EmbeddedChannel channel;

    /**
     * Holds back every flush but one after {@link #open}: what is written stays in the channel's outbound
     * buffer, as on a socket whose peer reads nothing, until the test lets one flush through.
     */
    private static final class FlushGate extends ChannelOutboundHandlerAdapter {
        boolean open;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (open) {
                open = false; // what the drain makes writable again is written but, again, not taken
                ctx.flush();
            }
        }
    }

    @AfterEach
    void nothingLeft() {
        gate.open = true;
        channel.flush();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            ReferenceCountUtil.release(o);
        }
        assertFalse(channel.finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/fs/big/", "/fs/big/?format=nginx", "/fs/big/?format=json", "/fs/big/?sort=size",
            "/find/", "/find/?q=*7*"})
    void aBodyIsGeneratedOnlyAsTheChannelTakesIt(String uri) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            changes.add(Trees.file(String.format("big/file-%06d-with-a-longer-name.bin", i), "ga", i, Trees.CAPTURE_TIME));
        }
        tree = DfsTree.EMPTY.apply(changes);
        channel = new EmbeddedChannel(gate, new ChunkedWriteHandler(),
                new DfsHttpHandler(DfsHttpContext.local(() -> tree, "ga", null)));
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(LOW, HIGH));

        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int rounds = 0;
        boolean last = false;
        int writableRounds = 0;
        while (!last) {
            long pending = channel.unsafe().outboundBuffer().totalPendingWriteBytes();
            if (channel.isWritable()) {
                writableRounds++; // the end of the body is queued: nothing more to generate
            }
            assertTrue(pending <= HIGH + BodySource.CHUNK + 2048,
                    "round " + rounds + ": " + pending + " bytes queued for a peer that reads nothing");
            gate.open = true;
            channel.flush(); // the peer reads everything queued: the channel turns writable, the next pieces come
            for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
                try {
                    if (o instanceof ByteBufHolder h) {
                        body.writeBytes(ByteBufUtil.getBytes(h.content()));
                    }
                    last = o instanceof LastHttpContent;
                    if (o instanceof HttpResponse res && !(o instanceof ByteBufHolder)) {
                        assertEquals("chunked", res.headers().get("transfer-encoding"));
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            rounds++;
        }
        assertEquals(1, writableRounds, "but for its end, the body filled the channel before each drain");
        assertTrue(rounds > body.size() / (HIGH + BodySource.CHUNK + 2048), rounds + " rounds for " + body.size() + " bytes");
        String text = body.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("file-019997-with-a-longer-name.bin"), "the whole body came: " + text.length() + " chars");
    }
}
