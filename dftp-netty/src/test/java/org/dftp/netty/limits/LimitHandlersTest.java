package org.dftp.netty.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.dftp.netty.testing.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The limit handlers on an {@link EmbeddedChannel} whose clock the test moves. */
@ExtendWith(NettyLeaks.class)
class LimitHandlersTest {
    private static final String HALF = "GET /healthz HTTP/1.1\r\nHost: x\r\n";

    /** Answers every request's end with {@code 200 ok}. */
    private static final class Ok extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof LastHttpContent) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                ctx.writeAndFlush(r);
            }
        }
    }

    private static EmbeddedChannel headerChannel(LongAdder timeouts) {
        HeaderTimeout h = new HeaderTimeout(Duration.ofSeconds(60), timeouts);
        EmbeddedChannel ch = new EmbeddedChannel(h.firstByte(), new HttpServerCodec(), h, new Ok());
        ch.freezeTime();
        return ch;
    }

    private static void send(EmbeddedChannel ch, String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private static void advance(EmbeddedChannel ch, long seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runPendingTasks();
        ch.runScheduledPendingTasks();
    }

    private static String output(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        for (Object m = ch.readOutbound(); m != null; m = ch.readOutbound()) {
            ByteBuf buf = (ByteBuf) m;
            b.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    @Test
    void headersNotCompleteWithinTheTimeoutGet408AndTheConnectionCloses() {
        LongAdder timeouts = new LongAdder();
        EmbeddedChannel ch = headerChannel(timeouts);
        send(ch, HALF);
        advance(ch, 59);
        assertEquals("", output(ch));
        assertTrue(ch.isOpen());
        advance(ch, 2);
        String out = output(ch);
        assertTrue(out.startsWith("HTTP/1.1 408 Request Timeout\r\n"), out);
        assertTrue(out.contains("connection: close"), out);
        assertFalse(ch.isOpen());
        assertEquals(1, timeouts.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void slowButCompleteHeadersAreServedAndTheClockStopsWithThem() {
        LongAdder timeouts = new LongAdder();
        EmbeddedChannel ch = headerChannel(timeouts);
        send(ch, HALF);
        advance(ch, 30);
        send(ch, "\r\n");
        assertTrue(output(ch).startsWith("HTTP/1.1 200 OK"));
        advance(ch, 600); // nothing arrives: the idle timeout's business, never a 408
        assertEquals("", output(ch));
        assertTrue(ch.isOpen());
        assertEquals(0, timeouts.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void theClockOfTheNextRequestStartsWithItsFirstByte() {
        EmbeddedChannel ch = headerChannel(null);
        send(ch, HALF + "\r\n");
        assertTrue(output(ch).startsWith("HTTP/1.1 200 OK"));
        advance(ch, 300);
        send(ch, "GET / HT");
        advance(ch, 59);
        assertEquals("", output(ch));
        advance(ch, 2);
        assertTrue(output(ch).startsWith("HTTP/1.1 408"));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aResponseThatStoodStillIsCutButAnIdleConnectionIsNot() {
        LongAdder cut = new LongAdder();
        java.util.List<Object> events = new java.util.ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new StalledReaderTimeout(Duration.ofSeconds(60), cut),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        events.add(evt);
                    }
                });
        ch.freezeTime();
        advance(ch, 600);
        assertTrue(ch.isOpen(), "nothing to send: not a stalled reader");
        assertTrue(events.stream().noneMatch(e -> e instanceof IdleStateEvent), "its events are not passed on");

        // Written, never taken by the socket (an EmbeddedChannel takes what is flushed).
        ch.write(Unpooled.copiedBuffer("pending", StandardCharsets.US_ASCII));
        advance(ch, 59);
        assertTrue(ch.isOpen());
        ch.write(Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII)); // the pending bytes changed
        advance(ch, 59);
        assertTrue(ch.isOpen(), "the output moved within the timeout");
        advance(ch, 62);
        assertFalse(ch.isOpen(), "no movement for the whole timeout");
        assertEquals(1, cut.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void oneAddressHoldsAtMostItsShareAndTheRestAre503() {
        LongAdder refused = new LongAdder();
        PerAddressLimit limit = new PerAddressLimit(2, true, refused);
        EmbeddedChannel a1 = from("192.0.2.1", limit);
        EmbeddedChannel a2 = from("192.0.2.1", limit);
        EmbeddedChannel b1 = from("192.0.2.2", limit);
        assertTrue(a1.isOpen() && a2.isOpen() && b1.isOpen());
        EmbeddedChannel a3 = from("192.0.2.1", limit);
        assertTrue(output(a3).startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
        assertFalse(a3.isOpen());
        assertEquals(1, refused.sum());
        a1.close();
        EmbeddedChannel a4 = from("192.0.2.1", limit);
        assertTrue(a4.isOpen(), "a place freed is a place taken");
        assertEquals("", output(a4));
        for (EmbeddedChannel c : new EmbeddedChannel[] {a1, a2, b1, a3, a4}) {
            c.finishAndReleaseAll();
        }
        assertEquals(0, limit.open(address("192.0.2.1")));
    }

    private static EmbeddedChannel from(String host, PerAddressLimit limit) {
        InetSocketAddress remote = new InetSocketAddress(address(host), 40000);
        return new EmbeddedChannel(limit) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    private static java.net.InetAddress address(String host) {
        try {
            return java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
